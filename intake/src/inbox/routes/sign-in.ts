/**
 * Public: the sign-in page, passkey sign-in, and registration through a
 * one-time invitation. Every passkey step is rate-limited per client.
 */
import { Hono, type Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { appendAudit } from '../../audit.ts';
import { AccountError, SESSION_HOURS } from '../../accounts.ts';
import { page, SESSION_COOKIE, text, type Inbox, type InboxEnv } from '../context.ts';
import { signInLimit } from '../middleware/sign-in-limit.ts';
import * as pages from '../pages.ts';

export function signInRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { accounts, store, now, log } = inbox;
  const app = new Hono<InboxEnv>();
  const setSession = (c: Context<InboxEnv>, token: string) =>
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', maxAge: SESSION_HOURS * 3600 });
  const authError = (c: Context<InboxEnv>, error: unknown) => {
    const code = error instanceof AccountError ? error.code : 'failed';
    if (!(error instanceof AccountError)) log(`inbox: passkey step failed (${(error as Error).name})`);
    return c.json({ error: code }, 400);
  };

  // The browser app goes on at once (its own key, the unlock): it needs the new session's CSRF token.
  const whoFor = (token: string) => {
    const session = accounts.session(token, now(), false)!;
    return { staffId: session.staff.id, role: session.staff.role, csrf: session.csrf };
  };

  app.get('/sign-in', (c) => (c.get('session') ? c.redirect('/', 303) : c.html(pages.signInPage(page(c)))));
  app.get('/invite/:token', (c) => {
    try {
      const staff = accounts.checkInvite(c.req.param('token'), now());
      return c.html(pages.registerPage(page(c), c.req.param('token'), staff.name));
    } catch (error) {
      const code = error instanceof AccountError ? error.code : 'failed';
      return c.html(
        pages.messagePage(page(c), text(c).registerHeading, text(c)[`error_${code}` as 'error_failed'], {
          href: '/sign-in',
          label: text(c).signInHeading,
        }),
        410,
      );
    }
  });

  app.use('/auth/*', signInLimit(inbox.trustedProxies ?? [], inbox.remoteAddress));
  app.post('/auth/sign-in/options', async (c) => c.json(await accounts.signInOptions(now())));
  app.post('/auth/sign-in/verify', async (c) => {
    try {
      const { staff, token } = await accounts.signIn(await c.req.json(), now());
      setSession(c, token);
      appendAudit(store, `staff:${staff.id}`, 'signed_in', null, null, now());
      return c.json({ ok: true, next: '/', ...whoFor(token) });
    } catch (error) {
      if (error instanceof AccountError) appendAudit(store, 'unknown', 'sign_in_refused', null, error.code, now());
      return authError(c, error);
    }
  });
  app.post('/auth/register/options', async (c) => {
    try {
      const { token } = await c.req.json<{ token?: string }>();
      return c.json(await accounts.registrationOptions(String(token ?? ''), now()));
    } catch (error) {
      return authError(c, error);
    }
  });
  app.post('/auth/register/verify', async (c) => {
    try {
      const { token, response } = await c.req.json<{ token?: string; response?: never }>();
      const { staff, token: session } = await accounts.register(String(token ?? ''), response!, now());
      setSession(c, session);
      appendAudit(store, `staff:${staff.id}`, 'staff_registered', null, staff.confirmedAt === null ? 'pending' : null, now());
      // Administrators hear of every registration (N8); one waiting for them counts.
      inbox.alert('registration', accounts.pendingStaff().length);
      return c.json({ ok: true, next: '/', ...whoFor(session) });
    } catch (error) {
      return authError(c, error);
    }
  });
  return app;
}
