/**
 * Signed in: the pages of requests, rendered with metadata only (issue 19):
 * the list of open requests, one request, look-up by receipt code, those
 * that need review, and closed ones. Their content is opened in the staff
 * member's browser (intake/src/browser/) from the JSON API (routes/api.ts);
 * this process opens nothing. Claim, release and status stay form posts:
 * they carry no content.
 */
import { Hono } from 'hono';
import { appendAudit } from '../../audit.ts';
import { keyReminder } from '../../keys/key-dates.ts';
import { STATUSES, type RequestStatus } from '../../store/requests.ts';
import { actor, mayHandle, notHandlingReason, page, sessionOf, text, type Inbox, type InboxEnv } from '../context.ts';
import * as pages from '../pages.ts';

export function requestRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { store, now } = inbox;
  const app = new Hono<InboxEnv>();

  app.get('/', (c) => {
    const stamp = now();
    const counts = store.openCounts(stamp);
    const pageCount = Math.max(1, Math.ceil(counts.open / pages.PAGE_SIZE));
    const number = Math.min(pageCount, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const rows = store.listOpen(pages.PAGE_SIZE, (number - 1) * pages.PAGE_SIZE);
    // Administrators are reminded when the newest key for requests ends soon (the same rule as serve's).
    const reminder = sessionOf(c).staff.role === 'admin' ? keyReminder(store.vault.keys(), stamp) : null;
    return c.html(
      pages.listPage(
        page(c, 'fromQuery'),
        rows,
        stamp.getTime(),
        { review: counts.needsReview, open: counts.open, page: number, pageCount },
        reminder,
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

  app.get('/r/:ref', (c) => {
    const row = store.get(c.req.param('ref'));
    if (!row) return c.html(pages.messagePage(page(c), text(c).notFound, text(c).notFound), 404);
    const staffNames = Object.fromEntries([...inbox.accounts.activeStaff(), ...inbox.accounts.pendingStaff()].map((s) => [s.id, s.name]));
    return c.html(
      pages.requestPage(
        page(c, 'fromQuery'),
        row,
        now().getTime(),
        inbox.recipients.promiseOf(row.recipient),
        { enabled: Boolean(inbox.replies), phone: inbox.recipients.phoneOf?.(row.recipient) ?? null },
        staffNames,
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

  // The look-up opens envelopes in the browser and compares there: the code never reaches this process.
  app.get('/lookup', (c) => c.html(pages.lookupPage(page(c))));

  /**
   * The cases a receipt code or a write-back may lead to (open and closed
   * requests, metadata only), for the app's look-up and follow-up check;
   * it then fetches their envelopes with GET /api/requests?refs=….
   */
  app.get('/api/cases', (c) => {
    const cases: pages.CaseMeta[] = [...store.listOpen(), ...store.listClosed(), ...store.listNeedsReview()].map((row) => ({
      ref: row.ref,
      receivedAt: row.receivedAt,
      status: row.status,
      dueAt: row.dueAt,
      followUpOf: row.followUpOf,
    }));
    c.header('cache-control', 'no-store');
    return c.json({ cases: [...new Map(cases.map((row) => [row.ref, row])).values()] });
  });

  app.get('/review', (c) => c.html(pages.reviewPage(page(c), store.listNeedsReview(), store.quarantineSummary())));
  app.get('/closed', (c) => c.html(pages.closedPage(page(c), store.listClosed(), inbox.retentionDays)));
  return app;
}
