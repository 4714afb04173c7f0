/**
 * Signed in: the way back (issue 14). A phrase from the bank and/or free
 * text, sealed to the person's reply key with this recipient's key, kept
 * in the outbox (with its audit line, in one transaction), then sent.
 */
import { Hono, type Context } from 'hono';
import { ReplyError } from '../../../../protocol/reply.ts';
import { appendAudit } from '../../audit.ts';
import { enqueueReply } from '../../reply-outbox.ts';
import { replyDraft, ReplyWriteError, senderFromVault, writeReply } from '../../reply-writer.ts';
import type { OpenedRequest, RequestRow } from '../../store.ts';
import { actor, mayHandle, notHandlingReason, page, sessionOf, text, type Inbox, type InboxEnv } from '../context.ts';
import * as pages from '../pages.ts';

export function replyRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { store, now } = inbox;
  const app = new Hono<InboxEnv>();

  /** The request page again, with what went wrong. */
  const again = async (c: Context<InboxEnv>, row: RequestRow, opened: OpenedRequest, problem: string, status: 400 | 403 | 409 = 400) =>
    c.html(
      pages.requestPage(
        page(c, { kind: 'error', text: problem }),
        row,
        opened,
        store.notes(row.ref),
        now().getTime(),
        inbox.recipients.promiseOf(row.recipient),
        {
          enabled: Boolean(inbox.replies),
          phone: inbox.recipients.phoneOf?.(row.recipient) ?? null,
          sent: inbox.replies ? store.replies(row.ref) : [],
        },
        await store.thread(row.ref, inbox.keys),
      ),
      status,
    );

  app.post('/r/:ref/reply', async (c) => {
    const row = store.get(c.req.param('ref'));
    if (!row) return c.notFound();
    const replies = inbox.replies;
    const opened = await store.open(row, inbox.keys);
    if (!mayHandle(sessionOf(c).staff, row)) return again(c, row, opened, text(c)[notHandlingReason(row)], 403);
    const request = opened.request;
    const form = await c.req.parseBody({ all: true });
    const listOf = (value: unknown): string[] =>
      (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string');
    if (!replies || !request?.reply) return again(c, row, opened, text(c).replyNotAsked, 409);
    let outgoing;
    try {
      const draft = replyDraft(
        {
          phrases: listOf(form['phrase']),
          text: listOf(form['text'])[0]?.slice(0, 2000),
          lang: listOf(form['lang'])[0] || undefined,
          place: listOf(form['place'])[0],
          time: listOf(form['time'])[0],
          date: listOf(form['date'])[0],
        },
        inbox.recipients.phoneOf?.(row.recipient) ?? null,
      );
      outgoing = await writeReply(request, draft, senderFromVault(replies.vault, row.kid), now());
    } catch (error) {
      if (error instanceof ReplyWriteError || error instanceof ReplyError)
        return again(c, row, opened, `${text(c).replyProblem} ${error.message}`);
      throw error;
    }
    store.transaction(() => {
      enqueueReply(store, row.ref, sessionOf(c).staff.id, outgoing, now());
      appendAudit(store, actor(c), 'replied', row.ref, null, now());
    });
    // Try to send now; if the site cannot be reached, the reply waits in the outbox.
    if (replies.siteKnown) await replies.deliverNow();
    const state = store.replies(row.ref).find((r) => r.id === outgoing.replyId)?.state;
    const m = state === 'delivered' ? 'replySent' : state === 'refused' ? 'replyRefused' : 'replyQueued';
    return c.redirect(`/r/${row.ref}?m=${m}#reply`, 303);
  });
  return app;
}
