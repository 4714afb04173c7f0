/**
 * Who is signed in. loadSession (every page) reads the language and the
 * session cookie; requireSession guards the protected sub-apps: signed
 * out, a page is sent to /sign-in and anything else is answered 401; a
 * POST must carry the session's CSRF token: a form in its `csrf` field,
 * a JSON request (the inbox app) in the X-CSRF-Token header.
 */
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { csrfMatches } from '../../accounts.ts';
import { LANG_COOKIE, page, SESSION_COOKIE, text, type Inbox, type InboxEnv } from '../context.ts';
import * as pages from '../pages.ts';
import { isInboxLanguage } from '../text.ts';

/** The header a JSON POST carries the session's CSRF token in. */
export const CSRF_HEADER = 'X-CSRF-Token';

export function loadSession(inbox: Inbox) {
  return createMiddleware<InboxEnv>(async (c, next) => {
    const cookieLang = getCookie(c, LANG_COOKIE);
    c.set('lang', isInboxLanguage(cookieLang) ? cookieLang : 'sv');
    // A GET of /api/… (the counts poll, the app fetching ciphertext) is no activity: it does not keep an
    // idle session alive (N15). A POST (a note, a reply written in the app) is someone at work.
    const activity = !(c.req.method === 'GET' && c.req.path.startsWith('/api/'));
    c.set('session', inbox.accounts.session(getCookie(c, SESSION_COOKIE), inbox.now(), activity));
    await next();
  });
}

/** What someone registered but not yet confirmed may still reach: their own key, nothing else. */
const UNCONFIRMED_MAY = new Set(['/api/vault', '/api/member-key', '/api/session-key']);

export const requireSession = createMiddleware<InboxEnv>(async (c, next) => {
  const session = c.get('session');
  if (!session) {
    if (c.req.method === 'GET' && !c.req.path.startsWith('/api/')) return c.redirect('/sign-in', 303);
    return c.json({ error: 'signed_out' }, 401);
  }
  // Registered but not yet confirmed by an administrator (N8): nothing opens but signing out
  // and what registering a member key needs (UNCONFIRMED_MAY).
  if (session.staff.confirmedAt === null && !(c.req.method === 'POST' && c.req.path === '/sign-out') && !UNCONFIRMED_MAY.has(c.req.path)) {
    if (c.req.path.startsWith('/api/')) return c.json({ error: 'not_confirmed' }, 403);
    return c.html(pages.pendingPage(page(c)), 403);
  }
  if (c.req.method === 'POST') {
    // A JSON POST (the inbox app's fetch) carries the token in a header; a form in a field.
    const header = c.req.header(CSRF_HEADER);
    const form: Record<string, unknown> = header === undefined ? await c.req.parseBody().catch(() => ({})) : { csrf: header };
    if (!csrfMatches(session, form['csrf'])) {
      if (c.req.path.startsWith('/api/')) return c.json({ error: 'csrf' }, 403, { 'cache-control': 'no-store' });
      return c.html(pages.messagePage(page(c), text(c).csrf, text(c).csrf, { href: '/', label: text(c).navInbox }), 403);
    }
  }
  await next();
  return undefined;
});
