/**
 * Signed in: the list of open requests, one request (reading it is
 * audited), claim and release, status, notes, export, look-up by receipt
 * code, requests that need review, and closed ones.
 */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { appendAudit } from '../../audit.ts';
import { STATUSES, type RequestRow, type RequestStatus } from '../../store.ts';
import { actor, countReading, mayHandle, notHandlingReason, page, sessionOf, text, type Inbox, type InboxEnv } from '../context.ts';
import { renderExport } from '../export.ts';
import * as pages from '../pages.ts';

export function requestRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { store, now } = inbox;
  const app = new Hono<InboxEnv>();

  /**
   * What each list row says (issue 22, part 7): language, contact method,
   * answer on the site, write-back, probable duplicate. Opened in memory
   * only for these cues; no content (message, phone, times) reaches the
   * list, so it is not logged as a reading. A probable duplicate: another
   * open request on the page with the same message, municipality and way
   * of contact (the no-JavaScript Back button re-sends a form, review step 3).
   * A request never changes, so its cues are kept in memory by ref (with a
   * SHA-256 of what makes it the same, never the text): opening 100 rows
   * costs about 200 ms, a kept list about 3 ms. Nothing is written to disk.
   */
  const cues = new Map<string, { summary: Omit<pages.RowSummary, 'probableDuplicate'>; sameness: string | null }>();
  async function rowSummaries(rows: RequestRow[]): Promise<Map<string, pages.RowSummary>> {
    await Promise.all(
      rows
        .filter((row) => !cues.has(row.ref))
        .map(async (row) => {
          const request = (await store.open(row, inbox.keys)).request;
          if (!request) return;
          const same = [request.message, request.municipality, request.contact.method, request.contact.phone ?? '', request.role];
          cues.set(row.ref, {
            summary: {
              locale: request.locale,
              method: request.contact.method,
              answerHere: request.reply !== undefined,
              followUp: request.followUpOf !== undefined,
            },
            sameness: request.message ? createHash('sha256').update(JSON.stringify(same)).digest('base64url') : null,
          });
        }),
    );
    const kept = rows.flatMap((row) => {
      const entry = cues.get(row.ref);
      return entry ? [{ ref: row.ref, ...entry }] : [];
    });
    const seen = new Map<string, number>();
    for (const { sameness } of kept) if (sameness) seen.set(sameness, (seen.get(sameness) ?? 0) + 1);
    return new Map(
      kept.map(({ ref, summary, sameness }) => [
        ref,
        { ...summary, probableDuplicate: sameness !== null && (seen.get(sameness) ?? 0) > 1 },
      ]),
    );
  }

  app.get('/', async (c) => {
    const stamp = now();
    const counts = store.openCounts(stamp);
    const pageCount = Math.max(1, Math.ceil(counts.open / pages.PAGE_SIZE));
    const number = Math.min(pageCount, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const rows = store.listOpen(pages.PAGE_SIZE, (number - 1) * pages.PAGE_SIZE);
    const summaries = await rowSummaries(rows);
    return c.html(
      pages.listPage(
        page(c, 'fromQuery'),
        rows,
        stamp.getTime(),
        {
          review: counts.needsReview,
          open: counts.open,
          page: number,
          pageCount,
        },
        summaries,
      ),
    );
  });

  app.get('/api/summary', (c) => {
    // Counts and time only: what a notification may say.
    const stamp = now();
    const counts = store.openCounts(stamp);
    return c.json({
      open: counts.open,
      unclaimed: counts.unclaimed,
      overdue: counts.overdue,
      nextDueMinutes: counts.nextDue === null ? null : Math.floor((counts.nextDue - stamp.getTime()) / 60_000),
      needsReview: counts.needsReview,
    });
  });

  app.get('/r/:ref', async (c) => {
    const row = store.get(c.req.param('ref'));
    if (!row) return c.html(pages.messagePage(page(c), text(c).notFound, text(c).notFound), 404);
    const opened = await store.open(row, inbox.keys);
    const thread = await store.thread(row.ref, inbox.keys);
    appendAudit(store, actor(c), 'opened', row.ref, null, now());
    countReading(inbox, c, row.ref);
    return c.html(
      pages.requestPage(
        page(c, 'fromQuery'),
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
        thread,
      ),
    );
  });

  app.post('/r/:ref/claim', (c) => {
    const ref = c.req.param('ref');
    if (!store.get(ref)) return c.notFound();
    const won = store.claim(ref, sessionOf(c).staff.id, now());
    if (won) appendAudit(store, actor(c), 'claimed', ref, null, now());
    return c.redirect(`/r/${ref}?m=${won ? 'claimedByYou' : 'alreadyClaimed'}`, 303);
  });

  app.post('/r/:ref/release', (c) => {
    const ref = c.req.param('ref');
    if (store.release(ref, sessionOf(c).staff.id, now())) appendAudit(store, actor(c), 'released', ref, null, now());
    return c.redirect(`/r/${ref}`, 303);
  });

  app.post('/r/:ref/status', async (c) => {
    const ref = c.req.param('ref');
    const status = (await c.req.parseBody())['status'];
    if (typeof status !== 'string' || !STATUSES.includes(status as RequestStatus) || status === 'new') return c.redirect(`/r/${ref}`, 303);
    const row = store.get(ref);
    if (!row) return c.notFound();
    if (!mayHandle(sessionOf(c).staff, row)) return c.redirect(`/r/${ref}?m=${notHandlingReason(row)}`, 303);
    const changed = store.setStatus(ref, status as Exclude<RequestStatus, 'new'>, now());
    if (changed) appendAudit(store, actor(c), 'status_changed', ref, status, now());
    return c.redirect(`/r/${ref}?m=${changed ? 'statusSaved' : 'statusNeedsClaim'}`, 303);
  });

  app.post('/r/:ref/notes', async (c) => {
    const ref = c.req.param('ref');
    if (!store.get(ref)) return c.notFound();
    const note = (await c.req.parseBody())['note'];
    if (typeof note === 'string' && note.trim()) {
      store.addNote(ref, sessionOf(c).staff.id, note.slice(0, 4000), now());
      appendAudit(store, actor(c), 'noted', ref, null, now());
    }
    return c.redirect(`/r/${ref}?m=noteSaved#notes`, 303);
  });

  app.post('/r/:ref/export', async (c) => {
    const row = store.get(c.req.param('ref'));
    if (!row) return c.notFound();
    if (!mayHandle(sessionOf(c).staff, row)) {
      const why = text(c)[notHandlingReason(row)];
      return c.html(pages.messagePage(page(c), text(c).export, why, { href: `/r/${row.ref}`, label: text(c).requestHeading }), 403);
    }
    const opened = await store.open(row, inbox.keys);
    appendAudit(store, actor(c), 'exported', row.ref, null, now());
    countReading(inbox, c, row.ref);
    const body = renderExport(row, opened, store.notes(row.ref), c.get('lang'), await store.thread(row.ref, inbox.keys));
    return c.body(body, 200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="utvag-${row.ref}.txt"`,
    });
  });

  // The look-up form posts the code (N15): a code in a URL would stay in the
  // browser's history and the proxy's logs. A code in the query is ignored.
  app.get('/lookup', (c) => c.html(pages.lookupPage(page(c), '', null, now().getTime())));
  app.post('/lookup', async (c) => {
    const field = (await c.req.parseBody())['code'];
    const typed = (typeof field === 'string' ? field : '').slice(0, 64);
    if (!typed) return c.html(pages.lookupPage(page(c), '', null, now().getTime()));
    const found = store.findByReceipt(typed);
    appendAudit(store, actor(c), 'looked_up', null, found.ok ? `${found.refs.length}` : 'invalid', now());
    if (!found.ok) return c.html(pages.lookupPage(page(c), typed, { kind: 'invalid' }, now().getTime()));
    // A write-back's own code leads to its case, once.
    const cases = [...new Set(found.refs.map((ref) => store.get(ref)?.followUpOf ?? ref))];
    const rows = cases.map((ref) => store.get(ref)!).filter(Boolean);
    return c.html(pages.lookupPage(page(c), found.code, rows.length === 0 ? { kind: 'none' } : { kind: 'found', rows }, now().getTime()));
  });

  app.get('/review', (c) => c.html(pages.reviewPage(page(c), store.listNeedsReview(), store.quarantineSummary())));
  app.get('/closed', (c) => c.html(pages.closedPage(page(c), store.listClosed(), inbox.retentionDays)));
  return app;
}
