/**
 * The team vault's cryptography (issue 19): browser and Node 22, WebCrypto
 * only. The server's module graph must never reach this folder
 * (tests/unit/import-boundaries.test.ts and the server-blind graph test).
 */
export { VaultCryptoError, type VaultCryptoErrorCode } from './errors.ts';
export { newVaultKeyBytes, VAULT_KEY_BYTES, vaultKeysFrom, type VaultKeys } from './vault-key.ts';
export { openBox, sealBox, type Box } from './sealed-box.ts';
export {
  newMemberKey,
  newPhraseKdf,
  newPhraseUnlock,
  openMemberKey,
  PHRASE_ITERATIONS,
  phraseProblem,
  PRF_SALT,
  unlockKeyFromPhrase,
  unlockKeyFromPrf,
  type MemberUnlock,
} from './member-key.ts';
export { GRANT_INFO, openGrant, publicKeyFrom, sealGrant, type Grant } from './grants.ts';
export { newRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_BYTES, recoveryKeyPair } from './recovery.ts';
export { openPrevious, sealPrevious } from './chain.ts';
export { unwrapRecipientKey, wrapRecipientKey } from './recipient-keys.ts';
export { openNote, sealNote } from './notes.ts';
export { openRecord, sealRecord } from './records.ts';
export { openSessionVault, sealSessionVault, sessionKeyFrom, type SessionVault } from './session-vault.ts';
