import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { computeKid, base64urlDecode } from '../../protocol/envelope.ts';
import { generateKey, loadPrivateKeys } from '../../tools/dev/plain-keys.ts';

describe('plain development keys (tooling; intake serve refuses them)', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the private key owner-only (0600) in owner-only folders (0700)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'utvag-plain-keys-'));
    const key = await generateKey(dir, '2030-01-01');
    const file = join(dir, 'keys', `${key.kid}.private.jwk.json`);
    expect(key.privateKeyFile).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'keys'))).mode & 0o777).toBe(0o700);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const jwk = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(jwk['kty']).toBe('EC');
    expect(jwk['d']).toBeTruthy();
  });

  it('names the key by the kid of its public half and loads it back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'utvag-plain-keys-'));
    const first = await generateKey(dir, '2030-01-01');
    expect(await computeKid(base64urlDecode(first.publicKey)!)).toBe(first.kid);
    const second = await generateKey(dir, '2030-01-01');
    const loaded = await loadPrivateKeys(dir);
    expect(loaded.map((key) => key.kid).sort()).toEqual([first.kid, second.kid].sort());
  });
});
