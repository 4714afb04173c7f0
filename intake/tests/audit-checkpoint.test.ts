/**
 * The anchored audit chain (security review N9): a signed checkpoint,
 * sent out with the heartbeat, catches a removed tail and a rewritten,
 * re-hashed log, which the chain alone reports as intact.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect } from 'vitest';
import { appendAudit, GENESIS, verifyAudit, type AuditLine } from '../src/audit.ts';
import { checkpointSigningKey, makeCheckpoint, verifyAgainstCheckpoint } from '../src/audit-checkpoint.ts';
import { it, itOnNode } from './backend.ts';
import { makeIntake, type TestIntake } from './helpers.ts';

let intake: TestIntake | undefined;
afterEach(async () => {
  await intake?.cleanup();
  intake = undefined;
});

/** What the review did with shell access: drop the triggers, then edit. */
function tamper(intake: TestIntake, edit: string): void {
  intake.store.db.exec('DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;');
  intake.store.db.exec(edit);
}

/** Re-hashes the whole chain as the audit module does, so the chain alone looks intact. */
function rehash(intake: TestIntake): void {
  const rows = intake.store.db.prepare('SELECT seq, at, actor, action, ref, detail FROM audit ORDER BY seq').all() as Omit<
    AuditLine,
    'prev' | 'hash'
  >[];
  let prev = GENESIS;
  for (const row of rows) {
    const hash = createHash('sha256')
      .update(`${prev}\n${JSON.stringify([row.seq, row.at, row.actor, row.action, row.ref, row.detail])}`)
      .digest('hex');
    intake.store.db.prepare('UPDATE audit SET prev = ?, hash = ? WHERE seq = ?').run(prev, hash, row.seq);
    prev = hash;
  }
}

async function sevenLines(): Promise<{ intake: TestIntake; key: ReturnType<typeof checkpointSigningKey> }> {
  intake = await makeIntake();
  for (const action of ['signed_in', 'opened', 'claimed', 'noted', 'opened', 'exported', 'signed_out'] as const)
    appendAudit(intake.store, 'staff:1', action, 'ref1');
  return { intake, key: checkpointSigningKey(randomBytes(32)) };
}

describe('audit checkpoints (N9)', () => {
  it('detects a removed tail that the chain alone calls intact', async () => {
    const { intake, key } = await sevenLines();
    const checkpoint = makeCheckpoint(intake.store, key);
    expect(verifyAgainstCheckpoint(intake.store, checkpoint)).toEqual({ ok: true, lines: 7, checkpointSeq: 7 });
    tamper(intake, 'DELETE FROM audit WHERE seq > 5');
    expect(verifyAudit(intake.store)).toEqual({ ok: true, lines: 5 });
    expect(verifyAgainstCheckpoint(intake.store, checkpoint)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/saw 7 line\(s\); only 5 are left/),
    });
  });

  it('detects a rewritten and re-hashed log', async () => {
    const { intake, key } = await sevenLines();
    const checkpoint = makeCheckpoint(intake.store, key);
    tamper(intake, `UPDATE audit SET actor = 'staff:999'`);
    rehash(intake);
    expect(verifyAudit(intake.store)).toEqual({ ok: true, lines: 7 });
    expect(verifyAgainstCheckpoint(intake.store, checkpoint)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/line 7 is not the one/),
    });
  });

  it('refuses a checkpoint whose signature does not match, and accepts lines added after it', async () => {
    const { intake, key } = await sevenLines();
    const checkpoint = makeCheckpoint(intake.store, key);
    appendAudit(intake.store, 'staff:1', 'opened', 'ref2');
    expect(verifyAgainstCheckpoint(intake.store, checkpoint)).toEqual({ ok: true, lines: 8, checkpointSeq: 7 });
    expect(verifyAgainstCheckpoint(intake.store, { ...checkpoint, seq: 5 })).toEqual({
      ok: false,
      reason: "the checkpoint's signature does not match",
    });
  });

  itOnNode('audit verify --checkpoint exits 1 on a removed tail', async () => {
    const { runCli } = await import('../src/cli.ts');
    const { intake, key } = await sevenLines();
    const checkpoint = JSON.stringify(makeCheckpoint(intake.store, key));
    tamper(intake, 'DELETE FROM audit WHERE seq > 6');
    intake.store.close();
    const out: string[] = [];
    const io = { out: (line: string) => out.push(line), err: (line: string) => out.push(line) };
    expect(await runCli(['audit', 'verify', '--dir', intake.dir, '--checkpoint', checkpoint], io, {})).toBe(1);
    expect(out.join('\n')).toMatch(/BROKEN: .*only 6 are left/);
  });
});
