/**
 * `intake serve` (version 2) killed inside the transaction that stores a
 * request: the sender never got a 2xx, nothing half-written is visible,
 * and the redelivery after a restart stores it exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateRecipientKeyPair, sealRequest } from '../../protocol/envelope.ts';
import { projectEnv } from '../../tools/dev/run.ts';
import { generateWrappedKey } from '../src/key-vault.ts';
import { generateSigningKey, importSigningKey, signPush, type Ed25519KeyPair } from '../../protocol/push-auth.ts';
import { ensureReceiptKey } from '../src/push-keys.ts';
import { runCli } from '../src/cli.ts';
import { loadStoreSecret, STORE_SECRET_KEY_FILE, StoreSecretError } from '../src/keys/store-secret.ts';
import { IntakeStore } from '../src/store.ts';
import { holdVault, sampleRequest } from './helpers.ts';

const RECIPIENT = 'stockholm';
let worker: Ed25519KeyPair;
const children: ChildProcess[] = [];
let dir: string | undefined;
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function startServe(intakeDir: string, crash: boolean): Promise<{ port: number; exited: Promise<string | null> }> {
  const child = spawn(
    'node',
    [
      crash ? 'tools/test/crashing-intake.ts' : 'intake/src/cli.ts',
      'serve',
      '--dir',
      intakeDir,
      '--port',
      '0',
      '--push-port',
      '0',
      '--recipient',
      RECIPIENT,
    ],
    {
      env: projectEnv({ INTAKE_WORKER_PUBLIC_KEYS: worker.publicKey }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const exited = new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /127\.0\.0\.1:(\d+)\/push/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', () => reject(new Error(`serve exited: ${output}`)));
  });
  return { port, exited };
}

async function post(port: number, body: string): Promise<number | 'connection lost'> {
  const signed = await signPush(await importSigningKey(worker.privateJwk), RECIPIENT, body);
  return fetch(`http://127.0.0.1:${port}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signed.headers },
    body,
  }).then(
    (response) => response.status,
    () => 'connection lost' as const,
  );
}

describe('intake serve killed mid-write', () => {
  it('acknowledges nothing, keeps nothing half-written, and stores the redelivery once', async () => {
    dir = await mkdtemp(join(tmpdir(), 'utvag-crash-'));
    const intakeDir = join(dir, 'intake');
    // The key is in the store's vault, as the first administrator's setup leaves it; serve needs no passphrase.
    const key = await generateRecipientKeyPair();
    const setup = IntakeStore.open(intakeDir);
    await holdVault(setup, key);
    setup.close();
    await ensureReceiptKey(intakeDir);
    worker = await generateSigningKey();
    const body = JSON.stringify(await sealRequest(sampleRequest(), key));

    const crashing = await startServe(intakeDir, true);
    expect(await post(crashing.port, body)).toBe('connection lost');
    expect(await crashing.exited).toBe('SIGKILL');
    const afterCrash = IntakeStore.open(intakeDir);
    expect(afterCrash.count()).toBe(0);
    afterCrash.close();

    const restarted = await startServe(intakeDir, false);
    expect(await post(restarted.port, body)).toBe(201);
    expect(await post(restarted.port, body)).toBe(200);
    const store = IntakeStore.open(intakeDir);
    expect(store.count()).toBe(1);
    store.close();
  });
});

describe('intake serve on a store made before issue 19', () => {
  it('says in one line to run move-keys when only the passphrase-wrapped store secret is there, and changes nothing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'utvag-old-store-'));
    const intakeDir = join(dir, 'intake');
    await generateWrappedKey(intakeDir, 'an old passphrase, for the test', '2099-01-01', { N: 2 ** 10, r: 8, p: 1 });
    await ensureReceiptKey(intakeDir);
    worker = await generateSigningKey();
    const io = { out: () => undefined, err: () => undefined };
    const serving = runCli(['serve', '--dir', intakeDir, '--recipient', RECIPIENT], io, { INTAKE_WORKER_PUBLIC_KEYS: worker.publicKey });
    await expect(serving).rejects.toThrow(StoreSecretError);
    await expect(serving).rejects.toThrow(/^[^\n]*run "[^"]*move-keys --dir [^"]+" now[^\n]*again after the first administrator[^\n]*$/);
    expect(await readdir(join(intakeDir, 'keys'))).not.toContain(STORE_SECRET_KEY_FILE);
  });

  it('makes the store secret on the first start, owner-only, and reads the same one after', async () => {
    dir = await mkdtemp(join(tmpdir(), 'utvag-new-store-'));
    const first = await loadStoreSecret(dir);
    expect(first).toHaveLength(32);
    expect((await stat(join(dir, 'keys', STORE_SECRET_KEY_FILE))).mode & 0o777).toBe(0o600);
    expect(await loadStoreSecret(dir)).toEqual(first);
  });
});
