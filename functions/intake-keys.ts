import { builtPartOf, keySetSchema, type KeySet } from '../protocol/key-set.ts';
import { validKids } from '../protocol/key-choice.ts';
import { statementKey, verifyKeyStatement, type KeyStatement } from '../protocol/key-statement.ts';
import type { Env } from './env.ts';

/**
 * The live key set the Worker serves at /intake-keys.json (issue 20).
 *
 * The build's key set (dist/intake-keys.json, read from the Worker's own
 * static assets) holds the static keys of recipients without an identity,
 * and, for each recipient with one, the pinned identity fingerprint. To it
 * the Worker adds, for each pinned recipient, the keys of its newest stored
 * statement (KEY_STATEMENTS) that verifies against that pin, and the
 * statement itself, so the browser checks it too. A pinned recipient whose
 * statement is missing, forged or expired has no keys: nothing is sealed to
 * it, here (no-JavaScript path) or in the browser.
 *
 * Kept for a minute per isolate (a PUT in this isolate, or a hosted
 * inbox's statement posted through it, forgets it at once: hosted-inboxes.ts):
 * a rotated key is used within about a minute, plus KV's own lag.
 */
const CACHE_MS = 60_000;
let cached: { keySet: KeySet; at: number } | null = null;

export { statementKey };

/** The stored statement of a recipient, unverified (null when none). */
export async function storedStatement(env: Env, recipient: string): Promise<KeyStatement | null> {
  return env.KEY_STATEMENTS.get<KeyStatement>(statementKey(recipient), 'json');
}

/** The build's key set: static keys and pinned identities, no statements. */
export async function builtKeySet(env: Env): Promise<KeySet | null> {
  const res = await env.ASSETS.fetch(new Request('https://assets.local/intake-keys.json'));
  if (!res.ok) return null;
  const parsed = keySetSchema.safeParse(await res.json().catch(() => null));
  return parsed.success ? parsed.data : null;
}

/** The built set with each pinned recipient's verified statement and its keys. */
export async function liveKeySet(env: Env, now = new Date()): Promise<KeySet | null> {
  const built = await builtKeySet(env);
  if (!built) return null;
  // A pinned recipient's keys come only from its statement, never from the built file.
  const keySet = builtPartOf(built);
  for (const recipient of built.recipients) {
    if (!recipient.identity) continue;
    const statement = await storedStatement(env, recipient.id);
    const check = await verifyKeyStatement(statement, recipient.identity, { recipient: recipient.id, now });
    if (!check.ok) continue;
    const known = new Set(keySet.keys.map((key) => key.kid));
    keySet.keys.push(...check.keys.filter((key) => !known.has(key.kid)));
    keySet.statements.push(check.statement);
  }
  return keySet;
}

export async function loadKeySet(env: Env, now = Date.now()): Promise<KeySet | null> {
  if (cached && now - cached.at < CACHE_MS) return cached.keySet;
  const keySet = await liveKeySet(env, new Date(now));
  if (keySet) cached = { keySet, at: now };
  return keySet;
}

/** Kids a request may be sealed to now: known and not expired. */
export async function acceptedKids(env: Env, now = new Date()): Promise<Set<string>> {
  const keySet = await loadKeySet(env, now.getTime());
  return keySet ? validKids(keySet, now) : new Set();
}

/** Forget the cached key set (a new statement was stored here or by a hosted inbox; tests). */
export function forgetKeySet(): void {
  cached = null;
}
