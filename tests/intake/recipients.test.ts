import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRecipientKeyPair } from '../../src/contact/envelope.ts';
import { keySetSchema, verifyKeySetKids } from '../../src/contact/key-set.ts';
import { buildKeySet, buildPullQueues, buildPushRoutes, loadRecipients, RecipientsConfigError } from '../../src/intake/recipients.ts';
import { generateSigningKey } from '../../src/intake/push-auth.ts';

describe('recipients configuration', () => {
  let dir: string;
  let keyA: { kid: string; publicKey: string };
  let keyB: { kid: string; publicKey: string };
  let n = 0;
  let receipt: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'utvag-recipients-'));
    keyA = await generateRecipientKeyPair();
    keyB = await generateRecipientKeyPair();
    receipt = (await generateSigningKey()).publicKey;
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function file(config: unknown): Promise<string> {
    const path = join(dir, `recipients-${n++}.json`);
    await writeFile(path, typeof config === 'string' ? config : JSON.stringify(config));
    return path;
  }

  async function problemsOf(path: string, helpDirectory?: string[]): Promise<readonly string[]> {
    const error = await loadRecipients(path, helpDirectory).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RecipientsConfigError);
    return (error as RecipientsConfigError).problems;
  }

  it('builds a key set with computed kids that the browser schema accepts', async () => {
    const path = await file({
      v: 1,
      recipients: [
        { id: 'stockholm', name: 'Stockholm', keys: [{ publicKey: keyA.publicKey, notAfter: '2030-01-01' }], push: { url: 'https://intake.example.se/push', receiptPublicKey: receipt } },
        { id: 'malmo', name: 'Malmö', keys: [{ publicKey: keyB.publicKey, notAfter: '2030-01-01' }] },
      ],
    });
    const keySet = await buildKeySet(path, ['stockholm', 'malmo', 'lund']);
    expect(keySetSchema.parse(keySet)).toEqual({
      v: 1,
      keys: [
        { kid: keyA.kid, recipient: 'stockholm', publicKey: keyA.publicKey, notAfter: '2030-01-01' },
        { kid: keyB.kid, recipient: 'malmo', publicKey: keyB.publicKey, notAfter: '2030-01-01' },
      ],
    });
    expect(await verifyKeySetKids(keySet)).toEqual([]);
    expect(await buildPushRoutes(path)).toEqual({ [keyA.kid]: { recipient: 'stockholm', url: 'https://intake.example.se/push', receiptKey: receipt } });
  });

  it('names a broken public key', async () => {
    const broken = `${keyA.publicKey.slice(0, -4)}AAAA`;
    const problems = await problemsOf(await file({ v: 1, recipients: [{ id: 'stockholm', name: 'S', keys: [{ publicKey: broken, notAfter: '2030-01-01' }] }] }));
    expect(problems).toEqual([expect.stringMatching(/recipient "stockholm", key 1: public key is not a valid P-256 point/)]);
  });

  it('names a duplicate kid (the same key listed twice)', async () => {
    const problems = await problemsOf(
      await file({
        v: 1,
        recipients: [
          { id: 'stockholm', name: 'S', keys: [{ publicKey: keyA.publicKey, notAfter: '2030-01-01' }] },
          { id: 'malmo', name: 'M', keys: [{ publicKey: keyA.publicKey, notAfter: '2031-01-01' }] },
        ],
      }),
    );
    expect(problems).toEqual([expect.stringMatching(new RegExp(`recipient "malmo", key 1: duplicate kid ${keyA.kid.replace(/[-]/g, '\\-')}`))]);
  });

  it('names a recipient that is not in the help directory', async () => {
    const path = await file({ v: 1, recipients: [{ id: 'atlantis', name: 'A', keys: [{ publicKey: keyA.publicKey, notAfter: '2030-01-01' }] }] });
    expect(await problemsOf(path, ['stockholm'])).toEqual(['recipient "atlantis" is not in the help directory']);
    await expect(loadRecipients(path)).resolves.toBeTruthy();
  });

  it('refuses plain-HTTP push URLs to other hosts, unknown fields, private keys and bad JSON', async () => {
    const base = { id: 'stockholm', name: 'S', keys: [{ publicKey: keyA.publicKey, notAfter: '2030-01-01' }] };
    expect(await problemsOf(await file({ v: 1, recipients: [{ ...base, push: { url: 'http://intake.example.se/push', receiptPublicKey: receipt } }] }))).toEqual([
      expect.stringMatching(/push\.url/),
    ]);
    expect(await problemsOf(await file({ v: 1, recipients: [{ ...base, keys: [{ ...base.keys[0], d: 'secret' }] }] }))).toHaveLength(1);
    expect(await problemsOf(await file('{ not json'))).toEqual([expect.stringMatching(/cannot read it as JSON/)]);
    expect(await buildPushRoutes(await file({ v: 1, recipients: [{ ...base, push: { url: 'http://127.0.0.1:8788/push', receiptPublicKey: receipt } }] }))).toEqual({
      [keyA.kid]: { recipient: 'stockholm', url: 'http://127.0.0.1:8788/push', receiptKey: receipt },
    });
  });

  it('a push route needs the receiver\'s receipt key; push and pull exclude each other', async () => {
    const base = { id: 'stockholm', name: 'S', keys: [{ publicKey: keyA.publicKey, notAfter: '2030-01-01' }] };
    expect(await problemsOf(await file({ v: 1, recipients: [{ ...base, push: { url: 'https://intake.example.se/push' } }] }))).toEqual([
      expect.stringMatching(/receiptPublicKey/),
    ]);
    expect(await problemsOf(await file({ v: 1, recipients: [{ ...base, push: { url: 'https://i.example/push', receiptPublicKey: 'A'.repeat(43) }, pull: { queue: 'utvag-pull-stockholm' } }] }))).toEqual([
      expect.stringMatching(/both push and pull/),
    ]);
  });

  it('a recipient that pulls gets a queue of its own, routed by its kids', async () => {
    const path = await file({
      v: 1,
      recipients: [
        { id: 'stockholm', name: 'S', keys: [{ publicKey: keyA.publicKey, notAfter: '2030-01-01' }], pull: { queue: 'utvag-pull-stockholm' } },
        { id: 'malmo', name: 'M', keys: [{ publicKey: keyB.publicKey, notAfter: '2030-01-01' }], push: { url: 'https://m.example/push', receiptPublicKey: receipt } },
      ],
    });
    expect(await buildPullQueues(path)).toEqual({
      routes: { [keyA.kid]: 'PULL_QUEUE_STOCKHOLM' },
      producers: [{ binding: 'PULL_QUEUE_STOCKHOLM', queue: 'utvag-pull-stockholm' }],
    });
    expect(Object.keys(await buildPushRoutes(path))).toEqual([keyB.kid]);
  });

  it('the production file is valid and holds no keys yet', async () => {
    expect(await buildKeySet('content/intake/recipients.json')).toEqual({ v: 1, keys: [] });
  });
});
