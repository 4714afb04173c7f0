import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeKid, base64urlDecode } from '../../protocol/envelope.ts';
import { generateKey, loadPrivateKeys } from '../src/keygen.ts';
import { makeIntake, type TestIntake } from './helpers.ts';

describe('intake keygen', () => {
  let intake: TestIntake;
  afterEach(async () => intake?.cleanup());

  it('writes the private key owner-only (0600) in owner-only folders (0700)', async () => {
    intake = await makeIntake();
    const file = join(intake.dir, 'keys', `${intake.kid}.private.jwk.json`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(intake.dir, 'keys'))).mode & 0o777).toBe(0o700);
    expect((await stat(intake.dir)).mode & 0o777).toBe(0o700);
    for (const folder of ['inbox', 'done', 'quarantine', 'tmp']) {
      expect((await stat(join(intake.dir, folder))).mode & 0o777).toBe(0o700);
    }
    const jwk = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(jwk['kty']).toBe('EC');
    expect(jwk['d']).toBeTruthy();
  });

  it('names the key by the kid of its public half and loads it back', async () => {
    intake = await makeIntake();
    expect(await computeKid(base64urlDecode(intake.publicKey)!)).toBe(intake.kid);
    const second = await generateKey(intake.dir, '2030-01-01');
    const loaded = await loadPrivateKeys(intake.dir);
    expect(loaded.map((key) => key.kid).sort()).toEqual([intake.kid, second.kid].sort());
  });
});
