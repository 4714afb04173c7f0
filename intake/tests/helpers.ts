import { randomBytes } from 'node:crypto';
import {
  aadForKid,
  base64urlEncode,
  contactSuite,
  generateRecipientKeyPair,
  HPKE_INFO,
  importPublicKey,
  padPlaintext,
  sealRequest,
} from '../../protocol/envelope.ts';
import { importPrivateKey, keyRing, openEnvelopeToJson, type PrivateKeyRing } from '../../protocol/envelope-open.ts';
import { createRequest, type ContactRequest } from '../../protocol/request.ts';
import type { IntakeStore } from '../../intake/src/store.ts';
import { readLeniently, type OpenedRequest } from '../../intake/src/opened-request.ts';
import {
  newRecoveryCode,
  newVaultKeyBytes,
  recoveryKeyPair,
  sealGrant,
  vaultKeysFrom,
  wrapRecipientKey,
  type VaultKeys,
} from '../../intake/src/team-vault/index.ts';
import { openTestStore } from './backend.ts';

export interface TestIntake {
  dir: string;
  kid: string;
  publicKey: string;
  /** What a browser holds once it has unwrapped the vault's recipient key (the tests open envelopes as it would). */
  keys: PrivateKeyRing;
  /** The team vault, generation 1, as an unlocked browser holds it (notes, reply records). */
  vault: VaultKeys;
  vaultBytes: Uint8Array;
  /** The intake's store in `dir`, with a store secret of its own; its vault holds the recipient key, wrapped. */
  store: IntakeStore;
  cleanup: () => Promise<void>;
}

/**
 * Puts a team vault into a store as the first administrator's browser
 * would (generation 1, V sealed to a recovery key, the recipient key
 * wrapped under V), without the administrator's own grant: the store side
 * of what the server holds. Tests with staff use the vault API.
 */
export async function holdVault(
  store: IntakeStore,
  key: { kid: string; publicKey: string; privateJwk: Parameters<typeof wrapRecipientKey>[2] },
): Promise<{ vault: VaultKeys; vaultBytes: Uint8Array }> {
  const vaultBytes = newVaultKeyBytes();
  const vault = await vaultKeysFrom(vaultBytes, 1);
  const recovery = await recoveryKeyPair(newRecoveryCode());
  const wrapped = await wrapRecipientKey(vault, key.kid, key.privateJwk);
  store.db
    .prepare('INSERT INTO vault_generations (gen, created_at, created_by, recovery, previous) VALUES (1, ?, NULL, ?, NULL)')
    .run(Date.now(), JSON.stringify(await sealGrant(vaultBytes, 1, recovery.publicKey, 'recovery')));
  store.db.prepare(`INSERT INTO vault_meta (key, value) VALUES ('recovery_public_key', ?)`).run(recovery.publicKey);
  store.db
    .prepare('INSERT INTO vault_keys (kid, public_key, not_after, gen, wrapped, created_at) VALUES (?, ?, ?, 1, ?, ?)')
    .run(key.kid, key.publicKey, '2099-12-31', JSON.stringify(wrapped), Date.now());
  return { vault, vaultBytes };
}

/**
 * A fresh intake folder (backend.ts: or a Durable Object) with its store and one recipient key pair, the
 * key wrapped in the store's team vault (with `vault: false`, no vault
 * yet: what the first administrator's setup finds; the key is then held
 * nowhere and `vault`, `vaultBytes` are unused). The tests open envelopes
 * with `keys` as the staff member's browser does (the server cannot).
 */
export async function makeIntake(options: { vault?: boolean } = {}): Promise<TestIntake> {
  const pair = await generateRecipientKeyPair();
  const { store, dir, cleanup } = await openTestStore(randomBytes(32));
  const { vault, vaultBytes } =
    options.vault === false
      ? { vaultBytes: new Uint8Array(32), vault: await vaultKeysFrom(new Uint8Array(32), 1) }
      : await holdVault(store, pair);
  return {
    dir,
    kid: pair.kid,
    publicKey: pair.publicKey,
    keys: keyRing([await importPrivateKey(pair.privateJwk)]),
    vault,
    vaultBytes,
    store,
    cleanup,
  };
}

export function sampleRequest(message = 'Jag vill prata med någon.'): ContactRequest {
  return createRequest({
    locale: 'sv',
    role: 'self',
    municipality: 'stockholm',
    needs: ['leave-crime'],
    contact: { method: 'sms', phone: '070-123 45 67', safeTimes: 'kvällar', voicemailOk: false, mayNameSocialServices: false },
    language: '',
    interpreter: false,
    message,
  });
}

/** The envelope JSON text for a request sealed to the intake's key. */
export async function envelopeBody(
  intake: Pick<TestIntake, 'kid' | 'publicKey'>,
  request: ContactRequest = sampleRequest(),
): Promise<string> {
  return JSON.stringify(await sealRequest(request, { kid: intake.kid, publicKey: intake.publicKey }));
}

/** A stored envelope opened as the browser opens it (the server cannot). */
export async function openStored(intake: Pick<TestIntake, 'store' | 'keys'>, ref: string): Promise<OpenedRequest> {
  const [stored] = intake.store.envelopes([ref]);
  if (!stored) throw new Error(`no envelope ${ref}`);
  return readLeniently(await openEnvelopeToJson(JSON.parse(stored.body), intake.keys));
}

/** The request ids the store holds, sorted (each envelope opened with the intake's keys, as the browser would). */
export async function storedIds(intake: Pick<TestIntake, 'store' | 'keys'>): Promise<string[]> {
  const rows = [...intake.store.listOpen(), ...intake.store.listClosed()];
  const ids = await Promise.all(rows.map(async (row) => (await openStored(intake, row.ref)).request?.id ?? `unreadable:${row.ref}`));
  return ids.sort();
}

/** How many envelopes the store keeps in quarantine. */
export function quarantineCount(store: IntakeStore): number {
  return (store.db.prepare('SELECT count(*) AS n FROM quarantine').get() as { n: number }).n;
}

/** Seals any JSON (as a newer form might send), bypassing this version's schema. */
export async function sealRaw(value: unknown, key: { kid: string; publicKey: string }): Promise<string> {
  const sealed = await contactSuite.seal(
    { recipientPublicKey: await importPublicKey(key.publicKey), info: new TextEncoder().encode(HPKE_INFO) },
    padPlaintext(new TextEncoder().encode(JSON.stringify(value))),
    aadForKid(key.kid),
  );
  return JSON.stringify({
    v: 1,
    kid: key.kid,
    enc: base64urlEncode(new Uint8Array(sealed.enc)),
    ct: base64urlEncode(new Uint8Array(sealed.ct)),
  });
}
