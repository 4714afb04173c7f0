/**
 * A hosted inbox's key statements go straight into the Worker's KV
 * (hosted/statement-publisher.ts): only one that verifies against the
 * inbox's own identity key, never over a newer one, and the one already
 * stored counts as published (its answer was lost before it was marked).
 */
import { describe, expect, it } from 'vitest';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import {
  exportIdentityKey,
  generateIdentityKey,
  identityFingerprint,
  signKeyStatement,
  statementKey,
  type KeyStatement,
} from '../../protocol/key-statement.ts';
import { kvStatementPublisher, type StatementKv } from '../src/hosted/statement-publisher.ts';

const RECIPIENT = 'stockholm-development';

function memoryKv(): StatementKv & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: async (key) => (values.has(key) ? (JSON.parse(values.get(key)!) as unknown) : null),
    put: async (key, value) => void values.set(key, value),
  };
}

async function identity() {
  const pair = await generateIdentityKey();
  const publicKey = await exportIdentityKey(pair.publicKey);
  const sign = async (issued: Date, recipient = RECIPIENT): Promise<KeyStatement> => {
    const key = await generateRecipientKeyPair();
    return signKeyStatement(
      {
        v: 1,
        recipient,
        identityKey: publicKey,
        issued: issued.toISOString(),
        keys: [{ publicKey: key.publicKey, notAfter: '2099-12-31' }],
      },
      pair.privateKey,
    );
  };
  return { fingerprint: await identityFingerprint(publicKey), sign };
}

describe('a hosted inbox publishes its key statements to KV', () => {
  it('writes a statement signed by its identity under the key the Worker serves from', async () => {
    const kv = memoryKv();
    const own = await identity();
    const statement = await own.sign(new Date());
    expect(await kvStatementPublisher(kv, async () => own.fingerprint)(statement)).toEqual({ ok: true });
    expect(JSON.parse(kv.values.get(statementKey(RECIPIENT))!)).toEqual(statement);
  });

  it('refuses one signed by another identity, or with no identity yet, and writes nothing', async () => {
    const kv = memoryKv();
    const own = await identity();
    const other = await identity();
    const forged = await other.sign(new Date());
    expect(await kvStatementPublisher(kv, async () => own.fingerprint)(forged)).toEqual({
      ok: false,
      retry: false,
      problem: 'wrong_identity',
    });
    expect(await kvStatementPublisher(kv, async () => null)(forged)).toEqual({ ok: false, retry: false, problem: 'no_identity' });
    expect(kv.values.size).toBe(0);
  });

  it('never replaces a newer statement; the same one again is published', async () => {
    const kv = memoryKv();
    const own = await identity();
    const publish = kvStatementPublisher(kv, async () => own.fingerprint);
    const older = await own.sign(new Date(Date.now() - 60_000));
    const newer = await own.sign(new Date());
    expect(await publish(newer)).toEqual({ ok: true });
    expect(await publish(older)).toEqual({ ok: false, retry: false, problem: 'stale_statement' });
    expect(await publish(newer)).toEqual({ ok: true });
    expect(JSON.parse(kv.values.get(statementKey(RECIPIENT))!)).toEqual(newer);
  });
});
