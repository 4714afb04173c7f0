/**
 * The way back (issue 14): sealed replies from the municipality, kept by
 * mailbox id, read and deleted by the person's browser.
 *
 *   POST /api/reply          the intake posts a signed, sealed reply (reply-post.ts);
 *                            the answer carries the Worker's signed acknowledgement
 *   POST /api/reply/lookup   {"v":1,"mailbox"} → always 200, always the same length
 *   POST /api/reply/delete   {"v":1,"mailbox","id"} → always 200 {"ok":true}
 *   POST /api/reply/write-back  the person's one signed write-back to an answer (write-back.ts, N3)
 *
 * The mailbox id travels only in a POST body, never in a URL, and is never
 * logged. Look-ups and deletions are rate-limited per keyed address hash.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod/mini';
import type { Env } from '../env.ts';
import { replyErrorStatus, type ReplyErrorCode } from '../reply-errors.ts';
import { loadKeySet } from '../intake-keys.ts';
import { rateLimitConfigured, rateLimitKey } from '../rate-limit.ts';
import { deleteReply, lookUpReplies, putReply, releaseWriteBack, takeWriteBack, writeBackKeyOf } from '../reply-store.ts';
import { acceptedKids } from '../intake-keys.ts';
import { enqueue } from './contact.ts';
import { WRITE_BACK_SIGNATURE_HEADER, verifyWriteBackPost } from '../../protocol/write-back.ts';
import { writeBackPostSchema } from '../../protocol/write-back-schema.ts';
import { base64urlOf } from '../../protocol/envelope.ts';
import { mailboxIdSchema, replyIdOf } from '../../protocol/reply.ts';
import { REPLY_ID_SIZE, REPLY_WIRE_VERSION } from '../../protocol/limits.ts';
import { REPLY_POST_MAX_SKEW_SECONDS, REPLY_SIGNATURE_HEADER, replyPostSchema, verifyReplyPost } from '../../protocol/reply-post.ts';
import { importSigningKey, signReplyAck } from '../../protocol/push-auth.ts';

/** A signed reply is about 11.3 KB; a look-up or deletion under 100 bytes. */
export const MAX_REPLY_POST_BYTES = 16 * 1024;
export const MAX_LOOKUP_BYTES = 1024;
/** A write-back: the envelope (about 22 KB as JSON) and a few fields. */
export const MAX_WRITE_BACK_BYTES = 32 * 1024;

const lookupSchema = z.strictObject({ v: z.literal(REPLY_WIRE_VERSION), mailbox: mailboxIdSchema });
const deleteSchema = z.strictObject({
  v: z.literal(REPLY_WIRE_VERSION),
  mailbox: mailboxIdSchema,
  id: base64urlOf(REPLY_ID_SIZE, 'id'),
});

type C = Context<{ Bindings: Env }>;

function fail(c: C, code: ReplyErrorCode, extra: Record<string, unknown> = {}) {
  return c.json({ error: code, ...extra }, replyErrorStatus[code]);
}

function isJson(c: C): boolean {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** Reads and validates a JSON body, or answers with the error. */
async function readBody<T>(c: C, schema: z.ZodMiniType<T>): Promise<{ ok: true; text: string; data: T } | { ok: false; res: Response }> {
  if (!isJson(c)) return { ok: false, res: fail(c, 'unsupported_media_type') };
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, res: fail(c, 'invalid_json') };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))];
    return { ok: false, res: fail(c, 'invalid_body', { fields }) };
  }
  return { ok: true, text, data: parsed.data };
}

/** Null when the reader may go on, else the error (no rate-limit secret: unavailable, like /api/contact). */
async function refuseReader(c: C): Promise<Response | null> {
  if (!rateLimitConfigured(c.env)) return fail(c, 'unavailable');
  // The connecting address is read here only, to be hashed at once.
  const address = c.req.header('cf-connecting-ip') ?? 'unknown';
  const { success } = await c.env.REPLY_RATE_LIMIT.limit({ key: await rateLimitKey(c.env.RATE_LIMIT_SECRET!, address) });
  return success ? null : fail(c, 'rate_limited');
}

const limit = (maxSize: number) => bodyLimit({ maxSize, onError: (c) => fail(c as C, 'body_too_large') });

export const reply = new Hono<{ Bindings: Env }>()
  .post('/', limit(MAX_REPLY_POST_BYTES), async (c) => {
    const read = await readBody(c, replyPostSchema);
    if (!read.ok) return read.res;
    const post = read.data;
    const keySet = await loadKeySet(c.env);
    if (!keySet) return fail(c, 'unavailable');
    // Any published key, expired or not: an answer may come after a rotation.
    const key = keySet.keys.find((entry) => entry.kid === post.reply.kid);
    if (!key) return fail(c, 'unknown_kid');
    if (!(await verifyReplyPost(read.text, c.req.header(REPLY_SIGNATURE_HEADER), key.publicKey))) return fail(c, 'bad_signature');
    if (Math.abs(Date.now() / 1000 - post.sent) > REPLY_POST_MAX_SKEW_SECONDS) return fail(c, 'stale');
    const id = await replyIdOf(post.reply.ct);
    let result;
    try {
      result = await putReply(c.env.REPLY_STORE, post.mailbox, id, post.reply, post.sent, post.writeBack);
    } catch {
      return fail(c, 'unavailable');
    }
    if (result === 'mailbox_full') return fail(c, 'mailbox_full');
    // Signed, so the intake can tell this answer from a proxy's 200 (N12). Without the
    // key the reply is kept all the same, and the intake tries again until it gets one.
    let ack: string | undefined;
    try {
      if (c.env.INTAKE_PUSH_SIGNING_KEY) ack = await signReplyAck(await importSigningKey(c.env.INTAKE_PUSH_SIGNING_KEY), id, read.text);
    } catch {
      ack = undefined;
    }
    return c.json({ ok: true, id, ...(ack ? { ack } : {}) }, result === 'stored' ? 201 : 200);
  })
  .post('/lookup', limit(MAX_LOOKUP_BYTES), async (c) => {
    const read = await readBody(c, lookupSchema);
    if (!read.ok) return read.res;
    const refused = await refuseReader(c);
    if (refused) return refused;
    try {
      return c.json(await lookUpReplies(c.env.REPLY_STORE, read.data.mailbox), 200);
    } catch {
      return fail(c, 'unavailable');
    }
  })
  .post('/delete', limit(MAX_LOOKUP_BYTES), async (c) => {
    const read = await readBody(c, deleteSchema);
    if (!read.ok) return read.res;
    const refused = await refuseReader(c);
    if (refused) return refused;
    try {
      await deleteReply(c.env.REPLY_STORE, read.data.mailbox, read.data.id);
    } catch {
      return fail(c, 'unavailable');
    }
    return c.json({ ok: true }, 200);
  })
  .post('/write-back', limit(MAX_WRITE_BACK_BYTES), async (c) => {
    const read = await readBody(c, writeBackPostSchema);
    if (!read.ok) return read.res;
    const refused = await refuseReader(c);
    if (refused) return refused;
    const post = read.data;
    try {
      // Only to an answer that offered it, signed with the key kept with that answer, once (N3).
      const key = await writeBackKeyOf(c.env.REPLY_STORE, post.mailbox, post.reply);
      if (!key) return fail(c, 'write_back_not_offered');
      if (!(await verifyWriteBackPost(read.text, c.req.header(WRITE_BACK_SIGNATURE_HEADER), key))) return fail(c, 'bad_signature');
      if (!(await acceptedKids(c.env)).has(post.envelope.kid)) return fail(c, 'unknown_kid');
      if (!(await takeWriteBack(c.env.REPLY_STORE, post.mailbox, post.reply))) return fail(c, 'already_written_back');
      if (!(await enqueue(c.env, post.envelope))) {
        await releaseWriteBack(c.env.REPLY_STORE, post.mailbox, post.reply);
        return fail(c, 'unavailable');
      }
    } catch {
      return fail(c, 'unavailable');
    }
    return c.json({ ok: true }, 202);
  })
  .all('*', (c) => fail(c, 'method_not_allowed'));
