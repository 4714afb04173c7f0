/**
 * The team inbox (Hono on Node), for the municipality's own network: one
 * place that mounts its parts. The push receiver is a separate app on its
 * own listener (receiver/push-app.ts), so the inbox never answers /push.
 *
 * Every answer: security headers; every POST: the inbox's own origin
 * (Sec-Fetch-Site / Origin). Public: assets, the language switch, sign-in
 * and registration by invitation (rate-limited). Everything else sits in
 * sub-apps behind requireSession (signed in, and a POST carries the
 * session's CSRF token); staff, keys and the audit log also behind requireAdmin.
 * The guards are middleware on the protected sub-apps themselves, so a
 * route added to one of them is protected wherever it is written, and a
 * path nobody mounted is answered as signed-in-only (sign-in, or 404).
 */
import { Hono } from 'hono';
import { KEY_STATEMENT_PATH } from '../../../protocol/hosted-inbox.ts';
import { page, text, withDefaults, type InboxAppOptions, type InboxEnv } from './context.ts';
import { inItsCase } from './middleware/in-its-case.ts';
import { sameOrigin } from './middleware/same-origin.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { loadSession, requireSession } from './middleware/session.ts';
import * as pages from './pages.ts';
import { accountRoutes } from './routes/account.ts';
import { apiRoutes } from './routes/api.ts';
import { auditRoutes, staffRoutes } from './routes/admin.ts';
import { assetRoutes } from './routes/assets.ts';
import { connectionRoutes } from './routes/connection.ts';
import { keysApiRoutes, keysPageRoutes } from './routes/keys.ts';
import { requestRoutes } from './routes/requests.ts';
import { signInRoutes } from './routes/sign-in.ts';
import { identityApiRoutes, statementApiRoutes } from './routes/statement.ts';
import { vaultApiRoutes } from './routes/vault-api.ts';

export { SESSION_COOKIE, type InboxAppOptions } from './context.ts';

export function createInboxApp(options: InboxAppOptions): Hono<InboxEnv> {
  const inbox = withDefaults(options);
  const app = new Hono<InboxEnv>();
  app.use(
    securityHeaders,
    sameOrigin(() => inbox.accounts.rp.origin),
    loadSession(inbox),
  );

  app.route('/', assetRoutes(inbox.assets));
  app.route('/', signInRoutes(inbox));

  const signedIn = new Hono<InboxEnv>();
  signedIn.use(requireSession);
  signedIn.use('/r/:ref', inItsCase(inbox.store));
  signedIn.use('/r/:ref/*', inItsCase(inbox.store));
  signedIn.route('/', apiRoutes(inbox));
  signedIn.route('/', requestRoutes(inbox));
  signedIn.route('/', accountRoutes(inbox));
  signedIn.route('/', vaultApiRoutes(inbox));
  signedIn.route('/staff', staffRoutes(inbox));
  signedIn.route('/audit', auditRoutes(inbox));
  signedIn.route('/keys', keysPageRoutes(inbox));
  signedIn.route('/connection', connectionRoutes(inbox));
  signedIn.route('/api/vault/keys', keysApiRoutes(inbox));
  signedIn.route('/api/vault/identity', identityApiRoutes(inbox));
  signedIn.route(KEY_STATEMENT_PATH, statementApiRoutes(inbox));
  app.route('/', signedIn);

  app.notFound((c) => c.html(pages.messagePage(page(c), text(c).notFound, text(c).notFound), 404));
  app.onError((error, c) => {
    inbox.log(`inbox: error (${error.name})`);
    return c.text('Internal error', 500);
  });
  return app;
}
