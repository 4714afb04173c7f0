/**
 * Administrators only: staff (invite, remove) at /staff, and the audit
 * log at /audit. Each sub-app carries requireAdmin itself, so the rule
 * holds wherever it is mounted.
 */
import { Hono } from 'hono';
import { appendAudit, recentAudit, verifyAudit } from '../../audit.ts';
import { actor, page, sessionOf, type Inbox, type InboxEnv } from '../context.ts';
import { requireAdmin } from '../middleware/require-admin.ts';
import * as pages from '../pages.ts';

/** Mounted at /staff. */
export function staffRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { accounts, store, now } = inbox;
  const app = new Hono<InboxEnv>();
  app.use(requireAdmin);
  app.get('/', (c) => c.html(pages.staffPage(page(c, 'fromQuery'), accounts.activeStaff(), null, accounts.pendingStaff())));
  app.post('/:id/confirm', (c) => {
    const id = Number(c.req.param('id'));
    if (Number.isInteger(id) && accounts.confirmStaff(id, now()))
      appendAudit(store, actor(c), 'staff_confirmed', null, `staff:${id}`, now());
    return c.redirect('/staff?m=staffConfirmed', 303);
  });
  app.post('/invite', async (c) => {
    const form = await c.req.parseBody();
    const name = typeof form['name'] === 'string' ? form['name'].trim() : '';
    if (!name) return c.redirect('/staff', 303);
    const staff = accounts.createStaff(name, form['admin'] === '1' ? 'admin' : 'staff', now());
    const token = accounts.invite(staff.id, now());
    appendAudit(store, actor(c), 'staff_invited', null, `staff:${staff.id}`, now());
    const expires = now().getTime() + 72 * 3_600_000;
    return c.html(
      pages.staffPage(
        page(c),
        accounts.activeStaff(),
        { name: staff.name, link: `${accounts.rp.origin}/invite/${token}`, expires },
        accounts.pendingStaff(),
      ),
    );
  });
  app.post('/:id/remove', (c) => {
    const id = Number(c.req.param('id'));
    if (Number.isInteger(id) && id !== sessionOf(c).staff.id && accounts.staff(id)) {
      accounts.removeStaff(id, now());
      appendAudit(store, actor(c), 'staff_removed', null, `staff:${id}`, now());
    }
    return c.redirect('/staff?m=removed', 303);
  });
  return app;
}

/** Mounted at /audit. */
export function auditRoutes(inbox: Inbox): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  app.use(requireAdmin);
  app.get('/', (c) => {
    const verdict = verifyAudit(inbox.store);
    return c.html(
      pages.auditPage(
        page(c),
        recentAudit(inbox.store),
        verdict.ok ? { ok: true } : { ok: false, reason: verdict.reason },
        new Map([...inbox.accounts.activeStaff(), ...inbox.accounts.pendingStaff()].map((s) => [s.id, s.name])),
      ),
    );
  });
  return app;
}
