import { keySetSchema, validKids, type KeySet } from '../protocol/key-set.ts';
import type { Env } from './env.ts';

/**
 * The published key set (dist/intake-keys.json), read from the Worker's own
 * static assets so the Worker and the form always agree on the keys. Kept
 * for a minute per isolate.
 */
const CACHE_MS = 60_000;
let cached: { keySet: KeySet; at: number } | null = null;

export async function loadKeySet(env: Env, now = Date.now()): Promise<KeySet | null> {
  if (cached && now - cached.at < CACHE_MS) return cached.keySet;
  const res = await env.ASSETS.fetch(new Request('https://assets.local/intake-keys.json'));
  if (!res.ok) return null;
  const parsed = keySetSchema.safeParse(await res.json().catch(() => null));
  if (!parsed.success) return null;
  cached = { keySet: parsed.data, at: now };
  return parsed.data;
}

/** Kids a request may be sealed to now: known and not expired. */
export async function acceptedKids(env: Env, now = new Date()): Promise<Set<string>> {
  const keySet = await loadKeySet(env, now.getTime());
  return keySet ? validKids(keySet, now) : new Set();
}

/** For tests: forget the cached key set. */
export function forgetKeySet(): void {
  cached = null;
}
