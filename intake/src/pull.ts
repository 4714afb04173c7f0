/**
 * Pull delivery: the intake fetches envelopes itself over Cloudflare's
 * Queues HTTP pull-consumer API (no inbound port needed), and acknowledges
 * a message only after it is stored.
 *
 *   POST {api}/accounts/{account_id}/queues/{queue_id}/messages/pull
 *        {"batch_size": n, "visibility_timeout_ms": ms}
 *     →  {"success": true, "result": {"messages": [
 *           {"id", "body", "attempts", "lease_id", "timestamp_ms", "metadata"}]}}
 *   POST {api}/accounts/{account_id}/queues/{queue_id}/messages/ack
 *        {"acks": [{"lease_id"}], "retries": [{"lease_id", "delay_seconds"}]}
 *
 * Authorization: Bearer <API token with Queues Edit>, from the environment
 * (CLOUDFLARE_QUEUES_API_TOKEN); never logged. The producer must send with
 * contentType "json" (v8-serialized messages cannot be read over HTTP).
 * A message not acknowledged comes back when its lease (visibility
 * timeout) runs out, so a crash at any point loses nothing; the inbox's
 * dedupe by request id makes the redelivery harmless.
 */
import * as z from 'zod';
import type { PrivateKeyRing } from '../../protocol/envelope-open.ts';
import type { RecipientDirectory } from './promise.ts';
import type { IntakeStore, ReceiveResult } from './store.ts';

/** Where pulled envelopes go: the store, as `intake pull` runs it. */
export interface PullTarget {
  store: IntakeStore;
  recipients: RecipientDirectory;
  onStored?: (ref: string) => void;
}

type Delivered = Exclude<ReceiveResult, { status: 'refused' }> | { status: 'rejected'; code: 'forged_follow_up' };

async function deliver(target: PullTarget, text: string, keys: PrivateKeyRing, now: Date): Promise<Delivered> {
  const result = await target.store.receive(text, keys, target.recipients, now);
  // A follow-up that does not prove itself (N3) is refused, not kept: the queue may forget it.
  if (result.status === 'refused') return { status: 'rejected', code: result.code };
  // Not an envelope at all: keep it here, as received, before letting the queue forget it.
  if (result.status === 'rejected') target.store.quarantine(text, result.code, now);
  if (result.status === 'stored') target.onStored?.(result.ref);
  return result;
}

export const DEFAULT_API_BASE = 'https://api.cloudflare.com/client/v4';

export interface PullConfig {
  accountId: string;
  queueId: string;
  apiToken: string;
  apiBase?: string;
  batchSize?: number;
  visibilityTimeoutMs?: number;
  /** Delay before a message that cannot be handled here now is offered again. */
  retryDelaySeconds?: number;
  fetch?: typeof fetch;
}

const pulledMessageSchema = z.object({
  id: z.string(),
  body: z.unknown(),
  attempts: z.number().optional(),
  lease_id: z.string().min(1),
  timestamp_ms: z.number().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
const pullResponseSchema = z.object({
  success: z.literal(true),
  result: z.object({ messages: z.array(pulledMessageSchema).default([]) }).nullable(),
});
const ackResponseSchema = z.object({ success: z.literal(true) });

export interface PullSummary {
  pulled: number;
  stored: number;
  duplicates: number;
  quarantined: number;
  acked: number;
  retried: number;
  /** Neither acked nor retried: storage failed; the lease runs out and it comes back. */
  leftForRedelivery: number;
}

export class PullApiError extends Error {}

/** The envelope JSON text inside a pulled message body. */
export function envelopeText(message: z.infer<typeof pulledMessageSchema>): string {
  const contentType = message.metadata?.['CF-Content-Type'];
  if (contentType === 'bytes' && typeof message.body === 'string') {
    return new TextDecoder().decode(Uint8Array.from(atob(message.body), (char) => char.charCodeAt(0)));
  }
  return typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
}

async function callApi(config: PullConfig, action: 'pull' | 'ack', body: unknown): Promise<unknown> {
  const base = config.apiBase ?? DEFAULT_API_BASE;
  const url = `${base}/accounts/${encodeURIComponent(config.accountId)}/queues/${encodeURIComponent(config.queueId)}/messages/${action}`;
  const response = await (config.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.apiToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new PullApiError(`Cloudflare Queues ${action} answered HTTP ${response.status}`);
  return response.json();
}

/** Pulls one batch, stores what it can, acknowledges what is stored. */
export async function pullOnce(
  config: PullConfig,
  target: PullTarget,
  keys: PrivateKeyRing,
  now: () => Date = () => new Date(),
): Promise<PullSummary> {
  const parsed = pullResponseSchema.safeParse(
    await callApi(config, 'pull', { batch_size: config.batchSize ?? 10, visibility_timeout_ms: config.visibilityTimeoutMs ?? 60_000 }),
  );
  if (!parsed.success) throw new PullApiError('Cloudflare Queues pull answered with an unexpected shape');
  const messages = parsed.data.result?.messages ?? [];
  const summary: PullSummary = {
    pulled: messages.length,
    stored: 0,
    duplicates: 0,
    quarantined: 0,
    acked: 0,
    retried: 0,
    leftForRedelivery: 0,
  };
  const acks: { lease_id: string }[] = [];
  const retries: { lease_id: string; delay_seconds: number }[] = [];
  for (const message of messages) {
    try {
      const text = envelopeText(message);
      const result = await deliver(target, text, keys, now());
      if (result.status === 'stored') summary.stored++;
      if (result.status === 'duplicate') summary.duplicates++;
      if (result.status === 'quarantined' || result.status === 'rejected') summary.quarantined++;
      if (result.status === 'quarantined' && result.code === 'unknown_kid') {
        // Maybe for another intake, or our key is not installed yet: give it back.
        retries.push({ lease_id: message.lease_id, delay_seconds: config.retryDelaySeconds ?? 300 });
      } else {
        acks.push({ lease_id: message.lease_id });
      }
    } catch {
      summary.leftForRedelivery++;
    }
  }
  if (acks.length > 0 || retries.length > 0) {
    const ack = ackResponseSchema.safeParse(await callApi(config, 'ack', { acks, retries }));
    if (!ack.success) throw new PullApiError('Cloudflare Queues ack answered with an unexpected shape');
  }
  summary.acked = acks.length;
  summary.retried = retries.length;
  return summary;
}

/** The pull configuration from the parsed environment (config.ts); says exactly what is missing. */
export function pullConfigFromEnv(
  env: Partial<
    Record<'CLOUDFLARE_ACCOUNT_ID' | 'UTVAG_QUEUE_ID' | 'CLOUDFLARE_QUEUES_API_TOKEN' | 'UTVAG_QUEUES_API_BASE', string | undefined>
  >,
): PullConfig {
  const missing = (['CLOUDFLARE_ACCOUNT_ID', 'UTVAG_QUEUE_ID', 'CLOUDFLARE_QUEUES_API_TOKEN'] as const).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`pull needs these environment variables: ${missing.join(', ')}`);
  return {
    accountId: env['CLOUDFLARE_ACCOUNT_ID']!,
    queueId: env['UTVAG_QUEUE_ID']!,
    apiToken: env['CLOUDFLARE_QUEUES_API_TOKEN']!,
    ...(env['UTVAG_QUEUES_API_BASE'] ? { apiBase: env['UTVAG_QUEUES_API_BASE'] } : {}),
  };
}
