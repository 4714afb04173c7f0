/** Signed in: signing out here, or everywhere (every session of this person). */
import { Hono, type Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import { appendAudit } from '../../audit.ts';
import { actor, SESSION_COOKIE, sessionOf, type Inbox, type InboxEnv } from '../context.ts';

export function accountRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { accounts, store, now } = inbox;
  const app = new Hono<InboxEnv>();
  const signedOut = (c: Context<InboxEnv>) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    return c.redirect('/sign-in', 303);
  };
  app.post('/sign-out', (c) => {
    accounts.signOut(sessionOf(c));
    appendAudit(store, actor(c), 'signed_out', null, null, now());
    return signedOut(c);
  });
  app.post('/sign-out-everywhere', (c) => {
    accounts.signOutEverywhere(sessionOf(c).staff.id);
    appendAudit(store, actor(c), 'signed_out_everywhere', null, null, now());
    return signedOut(c);
  });
  return app;
}
