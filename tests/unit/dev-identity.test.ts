/**
 * The development recipient's identity key lives in its inbox's vault like
 * a real one (issue 20): boxed under V, with a statement of its keys signed
 * with it and kept in the store, which verifies against the fingerprint
 * the development build pins. A development folder made before the
 * identity key gets it on the next start, and a start with nothing changed
 * keeps the statement it has.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyKeyStatement } from '../../protocol/key-statement.ts';
import { municipalityIds } from '../../protocol/municipalities.ts';
import { parseRecipients } from '../../protocol/recipients.ts';
import { IntakeStore } from '../../intake/src/store.ts';
import { ensureDevIntake } from '../../tools/dev/dev-keys.ts';
import { ensureDevStore } from '../../tools/dev/dev-store.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const pinnedIdentity = async (file: string) =>
  (JSON.parse(await readFile(file, 'utf8')) as { recipients: { identity: string }[] }).recipients[0]!.identity;

describe('the development identity key', () => {
  it('is in the vault, and the statement kept in the store verifies against the pinned fingerprint', async () => {
    dir = await mkdtemp(join(tmpdir(), 'utvag-dev-identity-'));
    const intake = await ensureDevIntake(dir);
    const store = await ensureDevStore(dir);
    const pin = await pinnedIdentity(intake.recipientsFile);
    const check = await verifyKeyStatement(store.statement, pin, { recipient: intake.recipient });
    expect(check.ok).toBe(true);
    expect(store.statement.keys.map((k) => k.publicKey)).toEqual((await intake.keyStatement()).keys.map((k) => k.publicKey));

    const db = IntakeStore.open(store.dir);
    try {
      expect(db.vault.identity()?.publicKey).toBe(store.statement.identityKey);
      expect(db.vault.latestStatement()).toMatchObject({ statement: store.statement, state: 'waiting' });
    } finally {
      db.close();
    }
    // Nothing changed: the same statement, not a new one.
    expect((await ensureDevStore(dir)).statement).toEqual(store.statement);
  });

  it('of the hosted development recipient is its own, pinned next to the first, with no promise', async () => {
    dir = await mkdtemp(join(tmpdir(), 'utvag-dev-identity-'));
    const intake = await ensureDevIntake(dir);
    const text = await readFile(intake.recipientsFile, 'utf8');
    const config = parseRecipients(intake.recipientsFile, text, municipalityIds());
    const hosted = config.recipients.find((r) => r.id === 'hosted-development')!;
    expect(hosted).toMatchObject({ development: true, hosted: true, serves: ['solna'], identity: intake.hosted.identity, keys: [] });
    expect(hosted.promise).toBeUndefined();
    expect(hosted.identity).not.toBe(intake.identity);
    const statement = await intake.hosted.keyStatement();
    expect((await verifyKeyStatement(statement, intake.hosted.identity, { recipient: 'hosted-development' })).ok).toBe(true);
    expect(statement.keys.map((k) => k.publicKey)).toEqual(intake.hosted.keys.map((k) => k.publicKey));
    // Made once: a second start keeps the same keys and identity.
    const again = await ensureDevIntake(dir);
    expect(again.hosted.identity).toBe(intake.hosted.identity);
    expect(again.hosted.keys.map((k) => k.kid)).toEqual(intake.hosted.keys.map((k) => k.kid));
  });

  it('is added to a development vault made before it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'utvag-dev-identity-'));
    const intake = await ensureDevIntake(dir);
    const first = await ensureDevStore(dir);
    const db = IntakeStore.open(first.dir);
    db.db.exec('DELETE FROM vault_identity; DELETE FROM key_statements;');
    db.close();
    const again = await ensureDevStore(dir);
    expect((await verifyKeyStatement(again.statement, await pinnedIdentity(intake.recipientsFile))).ok).toBe(true);
    expect(again.statement.issued >= first.statement.issued).toBe(true);
  });
});
