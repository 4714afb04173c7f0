/**
 * Publishing the recipient's key statements (issue 20): a statement signed
 * in an administrator's browser is kept in the store (store/vault.ts,
 * `key_statements`) before any attempt to publish it, and marked published
 * only when the site has it. Where it goes is the home's business, given
 * as one function (`PublishStatement`):
 *
 *  - self-hosted (`intake serve` with a site URL): sitePublisher, a PUT to
 *    the site's /api/key-statement, tried at once and again every minute
 *    while it waits (startStatementPublishing);
 *  - hosted (the Durable Object): a function writing the Worker's KV,
 *    called the same way (publishLatestStatement from its alarm).
 *
 * Only the newest statement is ever published: an older one would bring
 * back a key that was retired. The server signs nothing; it only passes on
 * what a browser signed and it verified (routes/statement.ts).
 */
import { asKeyStatement, publishKeyStatement, type KeyStatement } from '../../protocol/key-statement.ts';
import type { StatementState, VaultTables } from './store/vault.ts';

/** The answer of one attempt: published, or why not and whether trying again may help. */
export type PublishAnswer = { ok: true } | { ok: false; retry: boolean; problem: string };

export type PublishStatement = (statement: KeyStatement) => Promise<PublishAnswer>;

/** Tries to publish the newest statement if it waits; its state afterwards (null: none signed yet). */
export async function publishLatestStatement(vault: VaultTables, publish: PublishStatement, now: () => Date = () => new Date()) {
  const latest = vault.latestStatement();
  if (!latest || latest.state !== 'waiting') return latest?.state ?? null;
  let answer: PublishAnswer;
  try {
    answer = await publish(latest.statement);
  } catch (error) {
    answer = { ok: false, retry: true, problem: (error as Error).name === 'TimeoutError' ? 'timeout' : 'network' };
  }
  const state: Exclude<StatementState, 'superseded'> = answer.ok ? 'published' : answer.retry ? 'waiting' : 'refused';
  vault.markStatement(latest.statement.issued, state, answer.ok ? null : answer.problem, now());
  return state;
}

/** The site's answers worth waiting out: not connected yet (404), rate-limited, or down. */
const RETRY_STATUS = new Set([404, 408, 429]);

/**
 * Self-hosted: PUT to the site's /api/key-statement (the intake's site URL,
 * as replies use). A 409 stale_statement after an answer that was lost is
 * this very statement already there: the served key set says so.
 */
export function sitePublisher(siteUrl: string, fetcher: typeof fetch = fetch, timeoutMs = 15_000): PublishStatement {
  const timed: typeof fetch = (input, init) => fetcher(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return async (statement) => {
    const answer = await publishKeyStatement(siteUrl, statement, timed);
    if (answer.ok) return { ok: true };
    if (answer.error === 'stale_statement' && (await served(siteUrl, statement, timed))) return { ok: true };
    return { ok: false, retry: RETRY_STATUS.has(answer.status) || answer.status >= 500, problem: answer.error };
  };
}

/** Whether the site's key set serves exactly this statement (same signature). */
async function served(siteUrl: string, statement: KeyStatement, fetcher: typeof fetch): Promise<boolean> {
  try {
    const res = await fetcher(new URL('/intake-keys.json', siteUrl), { cache: 'no-store' });
    const set = (await res.json()) as { statements?: unknown[] };
    return (set.statements ?? []).some((s) => asKeyStatement(s)?.sig === statement.sig);
  } catch {
    return false;
  }
}

/**
 * Publishes a waiting statement every `intervalMs` while `serve` runs, and
 * at once on `kick()`. No publisher (no site URL): statements wait.
 */
export function startStatementPublishing(
  vault: VaultTables,
  publish: PublishStatement | null,
  log: (line: string) => void,
  intervalMs = 60_000,
): { stop: () => void; kick: () => Promise<StatementState | null> } {
  if (!publish) return { stop: () => undefined, kick: async () => vault.latestStatement()?.state ?? null };
  let running: Promise<StatementState | null> | null = null;
  const run = (): Promise<StatementState | null> => {
    running ??= publishLatestStatement(vault, publish)
      .then((state) => {
        if (state === 'refused')
          log(`key statement: the site refused it (${vault.latestStatement()?.problem ?? 'unknown'}); see Keys in the team inbox`);
        return state;
      })
      .catch((error: unknown) => {
        log(`key statement: publishing failed (${(error as Error).name}); it waits`);
        return 'waiting' as const;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref?.();
  return { stop: () => clearInterval(timer), kick: run };
}
