import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { keySetSchema, verifyKeySetKids } from '../../protocol/key-set.ts';
import { buildKeySet, buildPullQueues, buildPushRoutes, loadRecipients, RecipientsConfigError } from '../src/recipients.ts';
import { DEV_RECIPIENT } from '../../tools/dev/dev-keys.ts';

/** A recipient with everything the schema asks for besides keys: serves, a promise with its maker and source. */
function recipient(id: string, publicKey: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: id,
    serves: [id],
    promise: {
      firstContactWithinHours: 48,
      hours: { sv: 'vardagar', en: 'weekdays', ar: 'أيام العمل', fa: 'روزهای کاری', so: 'maalmaha shaqada', ti: 'መዓልታት ስራሕ' },
      madeBy: { sv: id, en: id, ar: id, fa: id, so: id, ti: id },
      since: '2026-12',
      source: { name: id, year: 2026, address: `https://${id}.example.se/lofte` },
    },
    keys: [{ publicKey, notAfter: '2030-01-01' }],
    ...extra,
  };
}
import { generateSigningKey } from '../../protocol/push-auth.ts';

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

  async function problemsOf(path: string, municipalities?: string[]): Promise<readonly string[]> {
    const error = await loadRecipients(path, municipalities, false).then(
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
        recipient('stockholm', keyA.publicKey, { push: { url: 'https://intake.example.se/push', receiptPublicKey: receipt } }),
        recipient('malmo', keyB.publicKey, { serves: ['malmo', 'lund'], takesUnstatedMunicipality: true }),
      ],
    });
    const keySet = await buildKeySet(path, ['stockholm', 'malmo', 'lund']);
    expect(keySetSchema.parse(keySet)).toEqual({
      v: 2,
      keys: [
        { kid: keyA.kid, recipient: 'stockholm', publicKey: keyA.publicKey, notAfter: '2030-01-01' },
        { kid: keyB.kid, recipient: 'malmo', publicKey: keyB.publicKey, notAfter: '2030-01-01' },
      ],
      recipients: [
        { id: 'stockholm', serves: ['stockholm'] },
        { id: 'malmo', serves: ['malmo', 'lund', 'unknown'] },
      ],
      statements: [],
    });
    expect(await verifyKeySetKids(keySet)).toEqual([]);
    expect(await buildPushRoutes(path)).toEqual({
      [keyA.kid]: { recipient: 'stockholm', url: 'https://intake.example.se/push', receiptKey: receipt },
    });
  });

  it('names a broken public key', async () => {
    const broken = `${keyA.publicKey.slice(0, -4)}AAAA`;
    const problems = await problemsOf(await file({ v: 1, recipients: [recipient('stockholm', broken)] }));
    expect(problems).toEqual([expect.stringMatching(/recipient "stockholm", key 1: public key is not a valid P-256 point/)]);
  });

  it('names a duplicate kid (the same key listed twice)', async () => {
    const problems = await problemsOf(
      await file({
        v: 1,
        recipients: [recipient('stockholm', keyA.publicKey), recipient('malmo', keyA.publicKey)],
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`recipient "malmo", key 1: duplicate kid ${keyA.kid.replace(/[-]/g, '\\-')}`)),
    ]);
  });

  it('names a served municipality that does not exist, and one served twice', async () => {
    const path = await file({ v: 1, recipients: [recipient('atlantis', keyA.publicKey)] });
    expect(await problemsOf(path, ['stockholm'])).toEqual([
      'recipient "atlantis" serves "atlantis", which is not a municipality id (content/municipalities/)',
    ]);
    await expect(loadRecipients(path)).resolves.toBeTruthy();
    const twice = await file({
      v: 1,
      recipients: [recipient('stockholm', keyA.publicKey), recipient('region', keyB.publicKey, { serves: ['solna', 'stockholm'] })],
    });
    expect(await problemsOf(twice)).toEqual(['"stockholm" is served by both "stockholm" and "region"; one municipality, one recipient']);
  });

  it('requires what a promise needs: who made it, since when, hours, and the source address', async () => {
    const base = recipient('stockholm', keyA.publicKey);
    for (const field of ['madeBy', 'since', 'hours', 'firstContactWithinHours', 'source']) {
      const promise: Record<string, unknown> = { ...base.promise };
      delete promise[field];
      expect(await problemsOf(await file({ v: 1, recipients: [{ ...base, promise }] })), field).toEqual([
        expect.stringMatching(new RegExp(`promise\\.${field}`)),
      ]);
    }
    const { promise: _dropped, ...noPromise } = base;
    expect(await problemsOf(await file({ v: 1, recipients: [noPromise] }))).toEqual([
      'recipients.0.promise: promise is required (only a development recipient may have none)',
    ]);
    // A development recipient may have made no promise at all (the site then says so).
    await expect(loadRecipients(await file({ v: 1, recipients: [{ ...noPromise, development: true }] }))).resolves.toBeTruthy();
    expect(await problemsOf(await file({ v: 1, recipients: [{ ...noPromise, development: false }] }))).toEqual([
      expect.stringMatching(/^recipients\.0\.promise: promise is required/),
    ]);
    const madeByOnlySwedish = { ...base.promise, madeBy: { sv: 'Stockholms stad' } };
    expect((await problemsOf(await file({ v: 1, recipients: [{ ...base, promise: madeByOnlySwedish }] }))).length).toBeGreaterThan(0);
    const noAddress = { ...base.promise, source: { name: 'Stockholms stad', year: 2024 } };
    expect(await problemsOf(await file({ v: 1, recipients: [{ ...base, promise: noAddress }] }))).toEqual([
      expect.stringMatching(/promise\.source\.address: .*required/),
    ]);
    // A development recipient may lack the address (facts.md part 1 gives none for Stockholm's promise).
    await expect(
      loadRecipients(await file({ v: 1, recipients: [{ ...base, development: true, promise: noAddress }] })),
    ).resolves.toBeTruthy();
    expect(await problemsOf(await file({ v: 1, recipients: [{ ...base, serves: [] }] }))).toEqual([
      expect.stringMatching(/^recipients\.0\.serves:/),
    ]);
  });

  it('accepts only a publishable phone line, written as in facts.md', async () => {
    const base = recipient('stockholm', keyA.publicKey);
    await expect(
      loadRecipients(await file({ v: 1, recipients: [{ ...base, phone: { display: '08-508 25 600', tel: '+46850825600' } }] })),
    ).resolves.toBeTruthy();
    expect(
      await problemsOf(await file({ v: 1, recipients: [{ ...base, phone: { display: '08-123 45 67', tel: '+4681234567' } }] })),
    ).toEqual([expect.stringMatching(/phone: .*publishable/)]);
    expect(
      await problemsOf(await file({ v: 1, recipients: [{ ...base, phone: { display: '0850825600', tel: '+46850825600' } }] })),
    ).toHaveLength(1);
  });

  it('refuses a development recipient in a production build', async () => {
    const path = await file({ v: 1, recipients: [{ ...DEV_RECIPIENT, keys: [{ publicKey: keyA.publicKey, notAfter: '2030-01-01' }] }] });
    await expect(loadRecipients(path, ['stockholm'], false)).resolves.toBeTruthy();
    const error = await loadRecipients(path, ['stockholm'], true).catch((caught: unknown) => caught);
    expect((error as RecipientsConfigError).problems).toEqual([
      'recipient "stockholm-development" is a development recipient; a production build takes none',
    ]);
  });

  it('refuses plain-HTTP push URLs to other hosts, unknown fields, private keys and bad JSON', async () => {
    const base = recipient('stockholm', keyA.publicKey);
    expect(
      await problemsOf(
        await file({ v: 1, recipients: [{ ...base, push: { url: 'http://intake.example.se/push', receiptPublicKey: receipt } }] }),
      ),
    ).toEqual([expect.stringMatching(/push\.url/)]);
    expect(await problemsOf(await file({ v: 1, recipients: [{ ...base, keys: [{ ...base.keys[0], d: 'secret' }] }] }))).toHaveLength(1);
    expect(await problemsOf(await file('{ not json'))).toEqual([expect.stringMatching(/cannot read it as JSON/)]);
    expect(
      await buildPushRoutes(
        await file({ v: 1, recipients: [{ ...base, push: { url: 'http://127.0.0.1:8788/push', receiptPublicKey: receipt } }] }),
      ),
    ).toEqual({
      [keyA.kid]: { recipient: 'stockholm', url: 'http://127.0.0.1:8788/push', receiptKey: receipt },
    });
  });

  it("a push route needs the receiver's receipt key; push and pull exclude each other", async () => {
    const base = recipient('stockholm', keyA.publicKey);
    expect(await problemsOf(await file({ v: 1, recipients: [{ ...base, push: { url: 'https://intake.example.se/push' } }] }))).toEqual([
      expect.stringMatching(/receiptPublicKey/),
    ]);
    expect(
      await problemsOf(
        await file({
          v: 1,
          recipients: [
            { ...base, push: { url: 'https://i.example/push', receiptPublicKey: 'A'.repeat(43) }, pull: { queue: 'utvag-pull-stockholm' } },
          ],
        }),
      ),
    ).toEqual([expect.stringMatching(/both push and pull/)]);
  });

  it('a recipient that pulls gets a queue of its own, routed by its kids', async () => {
    const path = await file({
      v: 1,
      recipients: [
        recipient('stockholm', keyA.publicKey, { pull: { queue: 'utvag-pull-stockholm' } }),
        recipient('malmo', keyB.publicKey, { push: { url: 'https://m.example/push', receiptPublicKey: receipt } }),
      ],
    });
    expect(await buildPullQueues(path)).toEqual({
      routes: { [keyA.kid]: 'PULL_QUEUE_STOCKHOLM' },
      producers: [{ binding: 'PULL_QUEUE_STOCKHOLM', queue: 'utvag-pull-stockholm' }],
    });
    expect(Object.keys(await buildPushRoutes(path))).toEqual([keyB.kid]);
  });

  it('the production file is valid and holds no keys yet', async () => {
    expect(await buildKeySet('content/intake/recipients.json')).toEqual({ v: 2, keys: [], recipients: [], statements: [] });
  });
});
