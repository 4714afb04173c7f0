/**
 * How the receiver decides that a push really comes from the Worker: ONE
 * call, `authenticatePush`, so the scheme can be swapped (per-recipient
 * Ed25519 signatures, issue 13) without touching the receiver or the store.
 * Today it checks the shared-secret HMAC of push-signature.ts.
 */
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyPush } from './push-signature.ts';

export type PushAuthVerdict = { ok: true } | { ok: false; status: 400 | 401; reason: string };

/** Checks one delivery before its body is parsed. */
export type PushAuthenticator = (delivery: { headers: Headers; body: string; now: Date }) => Promise<PushAuthVerdict>;

/** The version-1 scheme: HMAC-SHA256 with a shared secret (several during a rotation). */
export function sharedSecretPushAuth(secrets: readonly string[]): PushAuthenticator {
  if (secrets.length === 0) throw new Error('no push secret: set INTAKE_PUSH_SECRET');
  return async ({ headers, body, now }) => {
    const verdict = await verifyPush(secrets, headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER), body, now);
    if (verdict.ok) return { ok: true };
    return { ok: false, status: verdict.reason === 'stale_timestamp' ? 400 : 401, reason: verdict.reason };
  };
}

/** The scheme configured from the environment (INTAKE_PUSH_SECRET, comma-separated during a rotation). */
export function pushAuthFromEnv(env: NodeJS.ProcessEnv = process.env): PushAuthenticator {
  const secrets = (env['INTAKE_PUSH_SECRET'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return sharedSecretPushAuth(secrets);
}
