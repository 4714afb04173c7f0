import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyRing, sealRequest, type PrivateKeyRing } from '../../protocol/envelope.ts';
import { createRequest, type ContactRequest } from '../../protocol/request.ts';
import { prepareIntakeDir } from '../src/inbox.ts';
import { dayAfter, generateKey, loadPrivateKeys } from '../src/keygen.ts';

export interface TestIntake {
  dir: string;
  kid: string;
  publicKey: string;
  keys: PrivateKeyRing;
  cleanup: () => Promise<void>;
}

/** A fresh intake folder with one key pair. */
export async function makeIntake(): Promise<TestIntake> {
  const dir = await mkdtemp(join(tmpdir(), 'utvag-intake-'));
  await prepareIntakeDir(dir);
  const key = await generateKey(dir, dayAfter(30));
  return {
    dir,
    kid: key.kid,
    publicKey: key.publicKey,
    keys: keyRing(await loadPrivateKeys(dir)),
    cleanup: () => rm(dir, { recursive: true, force: true }),
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
export async function envelopeBody(intake: Pick<TestIntake, 'kid' | 'publicKey'>, request: ContactRequest = sampleRequest()): Promise<string> {
  return JSON.stringify(await sealRequest(request, { kid: intake.kid, publicKey: intake.publicKey }));
}

/** Every file under the intake's data folders (not keys/), as "folder/name". */
export async function dataFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const folder of ['inbox', 'done', 'quarantine', 'tmp']) {
    for (const name of await readdir(join(dir, folder))) files.push(`${folder}/${name}`);
  }
  return files.sort();
}
