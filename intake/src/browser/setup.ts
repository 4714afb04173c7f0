/**
 * The first administrator's setup (issue 19, part 3): V for generation 1,
 * the recipient's first key pair wrapped under it, a recovery code whose
 * key pair also receives V, and V granted to the administrator. The code
 * is shown once, on a sheet meant for paper; the page goes on only after
 * "I have kept it". The recipient's identity key (issue 20) is made here
 * too, wrapped under V; the sheet shows its fingerprint (what the operator
 * pins), and the first key list is signed with it and published.
 */
import { sealGrant } from '../team-vault/grants.ts';
import { newIdentityKey } from '../team-vault/identity-key.ts';
import { newRecoveryCode, recoveryKeyPair } from '../team-vault/recovery.ts';
import { newVaultKeyBytes, vaultKeysFrom } from '../team-vault/vault-key.ts';
import { ApiError, postJson } from './http.ts';
import { vaultInfo } from './member-key.ts';
import { newRecipientKey } from './new-generation.ts';
import { rememberVault } from './session-vault.ts';
import { postStatement } from './statement.ts';
import { busy, clearError, showError } from './ui.ts';
import { word } from './words.ts';

async function setUp(): Promise<{ code: string; fingerprint: string }> {
  const info = await vaultInfo();
  if (!info.memberKey) throw new ApiError(409, 'no_member_key');
  const vaultKey = newVaultKeyBytes();
  const keys = await vaultKeysFrom(vaultKey, 1);
  const code = newRecoveryCode();
  const recovery = await recoveryKeyPair(code);
  const first = await newRecipientKey(keys);
  const identity = await newIdentityKey(keys);
  await postJson('/api/vault/setup', {
    recoveryPublicKey: recovery.publicKey,
    recovery: await sealGrant(vaultKey, 1, recovery.publicKey, 'recovery'),
    grant: await sealGrant(vaultKey, 1, info.memberKey.publicKey, `member:${info.staffId}`),
    keys: [first],
    identity: { publicKey: identity.publicKey, wrapped: identity.wrapped },
  });
  await rememberVault(vaultKey, 1);
  vaultKey.fill(0);
  // The first key list; if it fails, the keys page says so and signs it again.
  if (info.recipient) {
    await postStatement(info.recipient, identity.publicKey, identity.sign, [
      { publicKey: first.publicKey, notAfter: first.notAfter },
    ]).catch(() => null);
  }
  return { code, fingerprint: identity.fingerprint };
}

export function setupPage(): void {
  const start = document.querySelector<HTMLButtonElement>('#setup-start')!;
  const error = document.getElementById('setup-error')!;
  const sheet = document.getElementById('recovery-sheet')!;
  start.disabled = false;
  start.addEventListener('click', () => {
    clearError(error);
    void busy(start, async () => {
      try {
        const { code, fingerprint } = await setUp();
        document.getElementById('vault-setup')!.hidden = true;
        document.getElementById('recovery-code')!.textContent = code;
        document.getElementById('identity-fingerprint')!.textContent = fingerprint;
        sheet.hidden = false;
        sheet.focus();
      } catch {
        showError(error, word('error_failed'));
      }
    });
  });
  document.getElementById('sheet-print')!.addEventListener('click', () => window.print());
  const kept = document.querySelector<HTMLInputElement>('#sheet-kept')!;
  const keptError = document.getElementById('sheet-kept-error')!;
  document.getElementById('sheet-done')!.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!kept.checked) return showError(keptError, word('sheetKeptMissing'), kept);
    // The code leaves the page with it: nothing keeps it.
    document.getElementById('recovery-code')!.textContent = '';
    window.location.assign('/');
  });
}
