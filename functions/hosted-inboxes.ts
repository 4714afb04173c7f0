/**
 * Hosted team inboxes (issue 20; protocol/hosted-inbox.ts): which
 * recipients have one, the Durable Object of each, and the browser's way
 * in by host. A recipient is hosted when the build's key set says so
 * (`hosted: true` in recipients.json), or when the operator has invited
 * its first administrator: the connection marker, kept in KEY_STATEMENTS
 * under `hosted-inbox:<id>`, lets the inbox be reached before approval and
 * rebuild, and after a disconnect (its team still reads what it keeps).
 *
 * Which recipient a kid belongs to comes only from that recipient's
 * verified key statement (the live key set, intake-keys.ts): a hosted
 * recipient has no push route, and nothing unsigned can send its
 * requests into its object.
 */
import { hostedRecipientOfHost, HOSTED_RECIPIENT_HEADER, KEY_STATEMENT_PATH } from '../protocol/hosted-inbox.ts';
import type { KeySetRecipient } from '../protocol/key-set.ts';
import type { Env } from './env.ts';
import { forgetKeySet, loadKeySet } from './intake-keys.ts';
import type { HostedDelivery } from './queue-consumer.ts';

/** Where a hosted recipient's connection stands (the operator's invite, approval and disconnect; npm start's door). */
export interface ConnectionMarker {
  state: 'invited' | 'approved' | 'disconnected';
  at: number;
}

export const connectionKey = (recipient: string): string => `hosted-inbox:${recipient}`;

/** Where the operator left a recipient's connection (null: never invited). */
export async function connectionMarker(env: Pick<Env, 'KEY_STATEMENTS'>, recipient: string): Promise<ConnectionMarker | null> {
  return env.KEY_STATEMENTS.get<ConnectionMarker>(connectionKey(recipient), 'json');
}

export async function markConnection(env: Pick<Env, 'KEY_STATEMENTS'>, recipient: string, state: ConnectionMarker['state']): Promise<void> {
  await env.KEY_STATEMENTS.put(connectionKey(recipient), JSON.stringify({ state, at: Date.now() } satisfies ConnectionMarker));
}

/** Whether `recipient` has a hosted inbox: named hosted by the build, or with a connection marker. */
export async function isHostedRecipient(env: Env, recipient: string): Promise<boolean> {
  const keySet = await loadKeySet(env);
  if (keySet?.recipients.some((r) => r.id === recipient && r.hosted === true)) return true;
  return (await connectionMarker(env, recipient)) !== null;
}

/** kid → recipient, for every key of the recipients `which` picks (their keys come only from verified statements). */
async function kidsOf(env: Env, which: (recipient: KeySetRecipient) => boolean): Promise<Map<string, string>> {
  const keySet = await loadKeySet(env);
  const picked = new Set(keySet?.recipients.filter(which).map((r) => r.id) ?? []);
  return new Map((keySet?.keys ?? []).filter((key) => picked.has(key.recipient)).map((key) => [key.kid, key.recipient]));
}

/** kid → hosted recipient. */
export const hostedKids = (env: Env) => kidsOf(env, (r) => r.hosted === true);

/** kid → recipient, for every pinned recipient (hosted or self-hosted). */
export const signedKids = (env: Env) => kidsOf(env, (r) => r.identity !== undefined);

/** The Durable Object of a recipient's hosted inbox. */
export function hostedInbox(env: Env, recipient: string) {
  return env.HOSTED_INBOX.get(env.HOSTED_INBOX.idFromName(recipient));
}

/**
 * A browser's request to `<id>.<HOSTED_INBOX_DOMAIN>`: handed to that
 * recipient's object, or 404 when it has no hosted inbox. null for every
 * other host (the public site). The recipient header is set here only: one
 * a browser sent is replaced.
 */
export async function routeHostedInbox(request: Request, env: Env): Promise<Response | null> {
  const recipient = hostedRecipientOfHost(new URL(request.url).host, env.HOSTED_INBOX_DOMAIN);
  if (recipient === null) return null;
  if (!(await isHostedRecipient(env, recipient))) {
    return new Response('Not found', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    });
  }
  const forwarded = new Request(request);
  forwarded.headers.set(HOSTED_RECIPIENT_HEADER, recipient);
  const response = await hostedInbox(env, recipient).fetch(forwarded);
  // A key statement taken (a key made or retired) is already in KV (the object wrote it before it
  // answered): this isolate serves it, and takes requests sealed to its keys, from the next request
  // on instead of after its minute's cache. Other isolates keep theirs up to that minute.
  if (request.method === 'POST' && new URL(request.url).pathname === KEY_STATEMENT_PATH && response.ok) forgetKeySet();
  return response;
}

/** The queue consumer's way into hosted inboxes (queue-consumer.ts), for one batch. */
export async function hostedDelivery(env: Env): Promise<HostedDelivery> {
  const kids = await hostedKids(env);
  const signed = await signedKids(env);
  return {
    recipientOf: (kid) => kids.get(kid) ?? null,
    signedRecipientOf: (kid) => signed.get(kid) ?? null,
    receive: (recipient, body) => hostedInbox(env, recipient).receive(recipient, body),
  };
}
