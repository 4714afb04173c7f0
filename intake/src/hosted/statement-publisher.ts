/**
 * Where a hosted inbox publishes its key statements (issue 20): straight
 * into the Worker's KEY_STATEMENTS, under the key /api/key-statement
 * writes (the self-hosted intake PUTs there instead: statement-outbox.ts).
 *
 * Why not through the Worker's /api/key-statement: that route takes a
 * statement only for a recipient the deployed build pins, and a hosted
 * inbox signs its first statement at setup, before the operator approves
 * and deploys. Written here at once, it is already in place when the
 * deploy pins the identity: the form can seal to the new municipality
 * the moment the site names it, with no retry loop to wait out.
 *
 * Nothing is trusted for that: the Worker serves a statement only when it
 * verifies against the fingerprint pinned in the build (intake-keys.ts),
 * and this object checks it again here against its own identity key and
 * the stored order (never replacing a newer one).
 */
import { statementKey, statementOrderProblem, verifyKeyStatement, type KeyStatement } from '../../../protocol/key-statement.ts';
import type { PublishStatement } from '../statement-outbox.ts';

/** The two calls of a KV namespace this uses. */
export interface StatementKv {
  get(key: string, type: 'json'): Promise<unknown>;
  put(key: string, value: string): Promise<void>;
}

export function kvStatementPublisher(kv: StatementKv, identityFingerprint: () => Promise<string | null>): PublishStatement {
  return async (statement: KeyStatement) => {
    const fingerprint = await identityFingerprint();
    if (!fingerprint) return { ok: false, retry: false, problem: 'no_identity' };
    const now = new Date();
    const check = await verifyKeyStatement(statement, fingerprint, { recipient: statement.recipient, now });
    if (!check.ok) return { ok: false, retry: false, problem: check.reason };
    const key = statementKey(statement.recipient);
    const stored = (await kv.get(key, 'json')) as KeyStatement | null;
    const order = statementOrderProblem(statement, stored, now);
    // This very statement, already there (an answer lost before it was marked): published.
    if (order === 'stale_statement' && stored?.sig === statement.sig) return { ok: true };
    if (order) return { ok: false, retry: false, problem: order };
    await kv.put(key, JSON.stringify(check.statement));
    return { ok: true };
  };
}
