/**
 * Administrators only: staff (invite, remove) at /staff, and the audit
 * log at /audit. Each sub-app carries requireAdmin itself, so the rule
 * holds wherever it is mounted.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { appendAudit, recentAudit, verifyAudit } from '../../audit.ts';
import { VaultTables } from '../../store/vault.ts';
import { actor, page, sessionOf, type Inbox, type InboxEnv } from '../context.ts';
import { requireAdmin } from '../middleware/require-admin.ts';
import * as pages from '../pages.ts';
import { bodyOf, conflict, grantSchema, noStore, rotationSchema } from './vault-api.ts';

/** Mounted at /staff. */
export function staffRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { accounts, store, now } = inbox;
  const vault = new VaultTables(store);
  const app = new Hono<InboxEnv>();
  app.use(requireAdmin);
  app.get('/', (c) => c.html(pages.staffPage(page(c, 'fromQuery'), accounts.activeStaff(), null, accounts.pendingStaff(), vault.access())));
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
        vault.access(),
      ),
    );
  });
  // An administrator gives access (issue 19): V sealed to the member's own public key. This also confirms them (N8).
  app.post('/:id/grant', async (c) => {
    const id = Number(c.req.param('id'));
    const body = await bodyOf(c, z.strictObject({ grant: grantSchema }));
    const staff = Number.isInteger(id) ? accounts.staff(id) : null;
    if (!body || !staff || staff.removedAt !== null) return c.json({ error: 'bad_request' }, 400, noStore);
    try {
      vault.setGrant(id, body.grant, sessionOf(c).staff.id, now());
    } catch (error) {
      return conflict(c, error);
    }
    if (accounts.confirmStaff(id, now())) appendAudit(store, actor(c), 'staff_confirmed', null, `staff:${id}`, now());
    appendAudit(store, actor(c), 'vault_granted', null, `staff:${id} gen:${body.grant.gen}`, now());
    return c.json({ ok: true }, 201, noStore);
  });
  /**
   * Removing someone who holds a grant takes a new generation, made in the
   * admin's browser (JSON, the design's payload), stored in the same
   * transaction; someone who never had access goes with a plain form post.
   */
  app.post('/:id/remove', async (c) => {
    const id = Number(c.req.param('id'));
    const json = c.req.header('content-type')?.startsWith('application/json') ?? false;
    if (!Number.isInteger(id) || id === sessionOf(c).staff.id || !accounts.staff(id)) {
      return json ? c.json({ error: 'bad_request' }, 400, noStore) : c.redirect('/staff', 303);
    }
    if (!json) {
      if (vault.grant(id) !== null) return c.redirect('/staff?m=removeRefused', 303);
      accounts.removeStaff(id, now());
      appendAudit(store, actor(c), 'staff_removed', null, `staff:${id}`, now());
      return c.redirect('/staff?m=removed', 303);
    }
    const body = await bodyOf(c, rotationSchema);
    if (!body) return c.json({ error: 'bad_request' }, 400, noStore);
    try {
      store.transaction(() => {
        vault.rotate(sessionOf(c).staff.id, id, body, now());
        accounts.removeStaff(id, now());
      });
    } catch (error) {
      return conflict(c, error);
    }
    appendAudit(store, actor(c), 'staff_removed', null, `staff:${id}`, now());
    appendAudit(store, actor(c), 'vault_rotated', null, `gen:${body.gen}`, now());
    return c.json({ ok: true }, 201, noStore);
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
