/**
 * Signed in: the requests JSON API of the server-blind inbox (issue 19).
 * The server hands out ciphertext and takes ciphertext: envelopes as
 * received, notes and reply records sealed in the browser under the team
 * vault (with their generation), and reply posts signed in the browser. It
 * opens nothing; what it keeps in clear is what it kept before: times,
 * statuses, claims and the audit trail (opened, noted, replied, exported,
 * looked_up, follow_up_linked), and the need-to-know rule (mayHandle):
 * only who may handle a case writes a reply or exports it.
 *
 * Mounted behind requireSession: every POST carries the session's CSRF
 * token in X-CSRF-Token. Every body is checked with zod; every answer is
 * `Cache-Control: no-store` (ciphertext and session keys stay out of any
 * cache). The /api/vault* routes and /staff/* are in vault-api.ts and
 * admin.ts.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import { verifyReplyPost } from '../../../../protocol/reply-post.ts';
import { appendAudit } from '../../audit.ts';
import { postReplyId } from '../../reply-delivery.ts';
import { STALE } from '../../reply-outbox.ts';
import type { RequestRow } from '../../store.ts';

import { boxSchema } from './vault-api.ts';
import { actor, countReading, mayHandle, sessionOf, type Inbox, type InboxEnv } from '../context.ts';

/** A request body is small JSON: a box of a note or a reply record, a signed post. */
export const MAX_API_BODY_BYTES = 64 * 1024;
/** At most this many envelopes in one list request (a page of the list is 50). */
export const MAX_REFS = 100;
/** A note is at most 4,000 characters (of up to 4 bytes each): its box at most about 22 kB of base64url. */
const MAX_NOTE_CT = 22_000;
/** A reply record holds the sealed reply (about 11 kB of base64url) and what was written: at most 40 kB in its box. */
const MAX_RECORD_CT = 40_000;

const refSchema = z.string().regex(/^[A-Za-z0-9_-]{16}$/);
const genSchema = z.number().int().min(1);
const signatureSchema = z.string().regex(/^v1=[A-Za-z0-9_-]{86}$/);
const replyIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** A vault box (the shape vault-api.ts checks) of up to `maxCt` characters of ciphertext. */
const recordBox = (maxCt: number) =>
  boxSchema.extend({
    ct: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .max(maxCt),
  });
const noteBody = z.strictObject({ gen: genSchema, box: recordBox(MAX_NOTE_CT) });
const postFields = { postBody: z.string().min(1).max(32_000), postSignature: signatureSchema };
const replyBody = z.strictObject({ replyId: replyIdSchema, gen: genSchema, box: recordBox(MAX_RECORD_CT), ...postFields });
const signatureBody = z.strictObject(postFields);
const followUpBody = z.strictObject({ caseRef: refSchema });
const lookedUpBody = z.strictObject({ found: z.number().int().min(0).max(10_000) });

type Json = Record<string, unknown>;

export function apiRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { store, now } = inbox;
  const app = new Hono<InboxEnv>();

  app.use('/api/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.use(
    '/api/*',
    bodyLimit({ maxSize: MAX_API_BODY_BYTES, onError: (c) => c.json({ error: 'too_large' }, 413, { 'cache-control': 'no-store' }) }),
  );

  /** The JSON body checked with `schema`, or null (the route answers 400). */
  async function bodyOf<T>(c: Context<InboxEnv>, schema: z.ZodType<T>): Promise<T | null> {
    const raw: unknown = await c.req.json().catch(() => undefined);
    const parsed = schema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  }
  const bad = (c: Context<InboxEnv>) => c.json({ error: 'bad_request' }, 400);
  const notFound = (c: Context<InboxEnv>) => c.json({ error: 'not_found' }, 404);
  const notYours = (c: Context<InboxEnv>, row: RequestRow) => c.json({ error: row.claimedBy === null ? 'needs_claim' : 'not_yours' }, 403);
  /** The request of `:ref`; a follow-up already in its case is worked on there (in-its-case.ts). */
  function caseOf(c: Context<InboxEnv>): { row: RequestRow } | { answer: Response } {
    const row = store.get(c.req.param('ref') ?? '');
    if (!row) return { answer: notFound(c) };
    if (row.followUpOf) return { answer: c.json({ error: 'in_its_case', caseRef: row.followUpOf }, 409) };
    return { row };
  }
  /** A generation this vault has (a box under a future or unknown one would never open). */
  const knownGen = (gen: number) => gen <= (store.vault.latestGen() ?? 0);

  app.get('/api/session-key', (c) => c.json({ key: sessionOf(c).unlockKey }));

  // List cues (language, way of contact, duplicates) are read in the browser: not audited as opened.
  app.get('/api/requests', (c) => {
    const refs = (c.req.query('refs') ?? '').split(',').filter(Boolean);
    if (refs.length > MAX_REFS || !refs.every((ref) => refSchema.safeParse(ref).success)) return bad(c);
    return c.json({ envelopes: store.envelopes(refs) });
  });

  app.get('/api/r/:ref', (c) => {
    const row = store.get(c.req.param('ref'));
    if (!row) return notFound(c);
    appendAudit(store, actor(c), 'opened', row.ref, null, now());
    countReading(inbox, c, row.ref);
    const thread = store.followUpsOf(row.ref);
    const threadBodies = new Map(store.envelopes(thread.map((followUp) => followUp.ref)).map((e) => [e.ref, e.body]));
    return c.json({
      ref: row.ref,
      ...(row.followUpOf ? { followUpOf: row.followUpOf } : {}),
      envelope: row.envelope,
      thread: thread.map((followUp) => ({
        ref: followUp.ref,
        receivedAt: followUp.receivedAt,
        envelope: threadBodies.get(followUp.ref) ?? '',
      })),
      notes: store
        .notes(row.ref)
        .map(({ id, at, authorId, gen, box }) =>
          gen === null ? { id, at, authorId, gen: null, legacy: true } : { id, at, authorId, gen, box },
        ),
      replies: store
        .replies(row.ref)
        .map(({ id, writtenAt, authorId, state, problem, gen, box }) =>
          gen === null
            ? { id, writtenAt, authorId, state, problem, gen: null, legacy: true }
            : { id, writtenAt, authorId, state, problem, gen, box },
        ),
    });
  });

  app.post('/api/r/:ref/notes', async (c) => {
    const found = caseOf(c);
    if ('answer' in found) return found.answer;
    const body = await bodyOf(c, noteBody);
    if (!body || !knownGen(body.gen)) return bad(c);
    const id = store.transaction(() => {
      const noteId = store.addNote(found.row.ref, sessionOf(c).staff.id, body.gen, body.box, now());
      appendAudit(store, actor(c), 'noted', found.row.ref, null, now());
      return noteId;
    });
    return c.json({ id }, 201);
  });

  /**
   * A reply written, sealed and signed in the browser: the record (what
   * was written, under the vault) and the exact post. The post must be a
   * reply post whose id is `replyId`, signed by a key this intake holds;
   * it is kept (with its audit line) before it is sent.
   */
  app.post('/api/r/:ref/reply', async (c) => {
    const found = caseOf(c);
    if ('answer' in found) return found.answer;
    const { row } = found;
    if (!mayHandle(sessionOf(c).staff, row)) return notYours(c, row);
    const body = await bodyOf(c, replyBody);
    if (!body || !knownGen(body.gen)) return bad(c);
    if (!(await signedPostOk(body.postBody, body.postSignature, body.replyId))) return bad(c);
    const added = store.transaction(() => {
      const fresh = store.addReply(
        { id: body.replyId, ref: row.ref, staffId: sessionOf(c).staff.id, gen: body.gen, box: body.box, ...post(body) },
        now(),
      );
      if (fresh) appendAudit(store, actor(c), 'replied', row.ref, null, now());
      return fresh;
    });
    const existing = store.replyInfo(body.replyId);
    if (!added && existing?.ref !== row.ref) return c.json({ error: 'conflict' }, 409);
    // Try to send now; if the site cannot be reached, the reply waits in the outbox.
    if (added && inbox.replies?.siteKnown) await inbox.replies.deliverNow();
    return c.json({ state: store.replyInfo(body.replyId)?.state ?? 'waiting' }, added ? 201 : 200);
  });

  app.post('/api/replies/:id/signature', async (c) => {
    const id = c.req.param('id');
    const reply = store.replyInfo(id);
    const row = reply ? store.get(reply.ref) : null;
    if (!reply || !row) return notFound(c);
    if (!mayHandle(sessionOf(c).staff, row)) return notYours(c, row);
    const body = await bodyOf(c, signatureBody);
    if (!body || !(await signedPostOk(body.postBody, body.postSignature, id))) return bad(c);
    if (!store.resignReply(id, body.postBody, body.postSignature)) return c.json({ error: 'not_waiting' }, 409);
    if (inbox.replies?.siteKnown) await inbox.replies.deliverNow();
    return c.json({ state: store.replyInfo(id)?.state ?? 'waiting' });
  });

  /** Waiting replies whose signature the Worker refused as stale, that this member may sign again. */
  app.get('/api/replies/unsigned', (c) => {
    const staff = sessionOf(c).staff;
    const unsigned = store
      .waitingReplies()
      .filter((reply) => reply.problem === STALE && reply.postBody !== null)
      .flatMap((reply) => {
        const row = store.get(reply.ref);
        if (!row || !mayHandle(staff, row)) return [];
        const posted = JSON.parse(reply.postBody!) as Json & { reply: { kid: string }; mailbox: string; writeBack?: string };
        return [
          {
            id: reply.id,
            ref: reply.ref,
            kid: posted.reply.kid,
            reply: posted.reply,
            mailbox: posted.mailbox,
            ...(posted.writeBack ? { writeBack: posted.writeBack } : {}),
          },
        ];
      });
    return c.json(unsigned);
  });

  // The export is made in the browser; the server keeps the audit line and the read watch.
  app.post('/api/r/:ref/exported', (c) => {
    const found = caseOf(c);
    if ('answer' in found) return found.answer;
    if (!mayHandle(sessionOf(c).staff, found.row)) return notYours(c, found.row);
    appendAudit(store, actor(c), 'exported', found.row.ref, null, now());
    countReading(inbox, c, found.row.ref);
    return c.json({ ok: true });
  });

  /**
   * A follow-up whose proof the browser verified against its case (N3,
   * now in the browser) joins that case's thread; a closed case opens again.
   */
  app.post('/api/r/:ref/follow-up-of', async (c) => {
    const ref = c.req.param('ref');
    if (!store.get(ref)) return notFound(c);
    const body = await bodyOf(c, followUpBody);
    if (!body) return bad(c);
    const caseRef = store.linkFollowUp(ref, body.caseRef, now());
    if (!caseRef) return c.json({ error: 'not_linked' }, 409);
    appendAudit(store, actor(c), 'follow_up_linked', ref, caseRef, now());
    return c.json({ caseRef });
  });

  // The receipt code never leaves the browser: only how many requests it found is logged.
  app.post('/api/looked-up', async (c) => {
    const body = await bodyOf(c, lookedUpBody);
    if (!body) return bad(c);
    appendAudit(store, actor(c), 'looked_up', null, `${body.found}`, now());
    return c.json({ ok: true });
  });

  /** The post is a reply post with this id, signed by the holder of a key this intake holds. */
  async function signedPostOk(postBody: string, signature: string, replyId: string): Promise<boolean> {
    if ((await postReplyId(postBody)) !== replyId) return false;
    const kid = (JSON.parse(postBody) as { reply: { kid: string } }).reply.kid;
    const key = store.vault.keys().find((k) => k.kid === kid);
    return key !== undefined && (await verifyReplyPost(postBody, signature, key.publicKey));
  }
  const post = (body: { postBody: string; postSignature: string }) => ({ postBody: body.postBody, postSignature: body.postSignature });

  return app;
}
