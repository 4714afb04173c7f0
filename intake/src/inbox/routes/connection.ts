/**
 * The "Connection" page at /connection, administrators only (issue 20,
 * part 4): GET shows the stored details; POST checks the form with zod
 * (connection-form.ts), stores the details (store/connection.ts) and
 * leaves an audit line without them. The same routes in both homes of the
 * inbox; the operator reads what was saved through the hosted inbox's
 * operator calls (intake/src/hosted/operator-calls.ts).
 */
import { Hono } from 'hono';
import { appendAudit } from '../../audit.ts';
import { ConnectionTable } from '../../store/connection.ts';
import { actor, page, sessionOf, type Inbox, type InboxEnv } from '../context.ts';
import { formOf, parseConnectionForm, type ConnectionForm } from '../connection-form.ts';
import { connectionPage } from '../connection-page.ts';
import { requireAdmin } from '../middleware/require-admin.ts';
import { isDevelopmentRecipient } from '../../../../protocol/hosted-inbox.ts';

/** Mounted at /connection. */
export function connectionRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { store, now } = inbox;
  const table = new ConnectionTable(store.db);
  // A development recipient (a test inbox) may leave out where its promise is published: recipients.json allows it only there.
  const addressRequired = !isDevelopmentRecipient(inbox.recipient ?? '');
  const app = new Hono<InboxEnv>();
  app.use(requireAdmin);
  app.get('/', (c) => {
    const stored = table.read();
    return c.html(
      connectionPage(page(c), { stored, values: formOf(stored.details), errors: [], saved: c.req.query('m') === 'saved', addressRequired }),
    );
  });
  app.post('/', async (c) => {
    const body = await c.req.parseBody();
    const values: ConnectionForm = Object.fromEntries(
      Object.entries(body).flatMap(([key, value]) => (typeof value === 'string' && key !== 'csrf' ? [[key, value]] : [])),
    );
    const parsed = parseConnectionForm(values, { addressRequired });
    if (!parsed.ok)
      return c.html(connectionPage(page(c), { stored: table.read(), values, errors: parsed.errors, saved: false, addressRequired }), 400);
    table.save(parsed.details, sessionOf(c).staff.id, now());
    appendAudit(store, actor(c), 'connection_saved', null, null, now());
    return c.redirect('/connection?m=saved', 303);
  });
  return app;
}
