import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { importPrivateKey, keyRing, type PrivateKeyRing } from '../../protocol/envelope-open.ts';
import { createRequest, type ContactRequest } from '../../protocol/request.ts';
import { IntakeStore } from '../../intake/src/store.ts';

export interface TestIntake {
  dir: string;
  kid: string;
  publicKey: string;
  keys: PrivateKeyRing;
  /** The intake's store in `dir`, with a store secret of its own. */
  store: IntakeStore;
  cleanup: () => Promise<void>;
}

/**
 * A fresh intake folder with its store and one recipient key pair. The key
 * is held in memory only (the running intake unwraps its keys into memory
 * the same way); tests that need key files use key-vault.ts.
 */
export async function makeIntake(): Promise<TestIntake> {
  const dir = await mkdtemp(join(tmpdir(), 'utvag-intake-'));
  const pair = await generateRecipientKeyPair();
  const store = IntakeStore.open(dir, randomBytes(32));
  return {
    dir,
    kid: pair.kid,
    publicKey: pair.publicKey,
    keys: keyRing([await importPrivateKey(pair.privateJwk)]),
    store,
    cleanup: async () => {
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
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

/** The request ids the store holds, sorted (each envelope opened with the intake's keys). */
export async function storedIds(intake: Pick<TestIntake, 'store' | 'keys'>): Promise<string[]> {
  const rows = [...intake.store.listOpen(), ...intake.store.listClosed()];
  const ids = await Promise.all(
    rows.map(async (row) => (await intake.store.open(row, intake.keys)).request?.id ?? `unreadable:${row.ref}`),
  );
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
