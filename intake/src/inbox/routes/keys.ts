/**
 * Keys, for administrators (issue 20, part 3): the recipient's HPKE keys
 * are made and retired in the inbox. The page lists them; the next key is
 * made in the administrator's browser and wrapped under the newest
 * generation's V, so the server stores only its public half and a box it
 * cannot open. A retired key is no longer published but still opens what
 * was sealed to it; the only key still valid cannot be retired.
 *
 * Each sub-app carries its guard itself, so the rule holds wherever it is
 * mounted: the page at /keys, the API at /api/vault/keys.
 */
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { base64urlDecode, base64urlOf, computeKid } from '../../../../protocol/envelope.ts';
import { KID_SIZE } from '../../../../protocol/limits.ts';
import { appendAudit } from '../../audit.ts';
import { identityFingerprint } from '../../../../protocol/key-statement.ts';
import { dayOf, isDay, keyReminder, nextNotAfter, validKeys } from '../../keys/key-dates.ts';
import { VaultConflict, VaultTables } from '../../store/vault.ts';
import { actor, page, sessionOf, type Inbox, type InboxEnv } from '../context.ts';
import { keysPage, shortKid, type IdentityView } from '../keys-page.ts';
import { requireAdmin } from '../middleware/require-admin.ts';
import { bodyOf, conflict, noStore, recipientKeySchema } from './vault-api.ts';

const newKeySchema = recipientKeySchema.extend({ gen: z.number().int().min(1) });
const kidSchema = base64urlOf(KID_SIZE, 'kid');

/** Mounted at /keys. */
export function keysPageRoutes(inbox: Inbox): Hono<InboxEnv> {
  const vault = new VaultTables(inbox.store);
  const app = new Hono<InboxEnv>();
  app.use(requireAdmin);
  app.get('/', async (c) => {
    const keys = vault.keys();
    const now = inbox.now();
    const identity = vault.identity();
    const latest = vault.latestStatement();
    const listed = (list: readonly { publicKey: string; notAfter: string }[]) =>
      list
        .map((key) => `${key.publicKey} ${key.notAfter}`)
        .sort()
        .join();
    const view: IdentityView = {
      fingerprint: identity && (await identityFingerprint(identity.publicKey)),
      publicKey: identity?.publicKey ?? null,
      statement: latest && {
        state: latest.state,
        problem: latest.problem,
        publishedAt: latest.publishedAt,
        current: listed(latest.statement.keys) === listed(validKeys(keys, now)),
      },
      canPublish: inbox.publishStatement !== undefined,
      hasRecipient: inbox.recipient !== undefined,
    };
    return c.html(
      keysPage(page(c, 'fromQuery'), keys, { latestGen: vault.latestGen(), reminder: keyReminder(keys, now), now, identity: view }),
    );
  });
  return app;
}

/** The API's own guard: an administrator, answered in JSON. */
export const adminJson = createMiddleware<InboxEnv>(async (c, next) => {
  if (sessionOf(c).staff.role !== 'admin') return c.json({ error: 'forbidden' }, 403, noStore);
  await next();
  return undefined;
});

/** Mounted at /api/vault/keys, behind requireSession (a POST carries the CSRF header). */
export function keysApiRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { store, now } = inbox;
  const vault = new VaultTables(store);
  const app = new Hono<InboxEnv>();
  app.use(adminJson);

  // The next key: its last day must be after today and no later than the rule gives (a day's slack for the browser's clock).
  app.post('/', async (c) => {
    const body = await bodyOf(c, newKeySchema);
    if (!body) return c.json({ error: 'bad_request' }, 400, noStore);
    const today = now();
    const latest = nextNotAfter(vault.keys(), today);
    const slack = dayOf(Date.parse(`${latest}T00:00:00Z`) + 86_400_000);
    if (!isDay(body.notAfter) || body.notAfter <= dayOf(today) || body.notAfter > slack)
      return c.json({ error: 'bad_not_after', notAfter: latest }, 400, noStore);
    const { gen, ...key } = body;
    // The kid names the public key (its hash): a pair that does not match would be published under a wrong name.
    const kidOfKey = await computeKid(base64urlDecode(key.publicKey)!).catch(() => null);
    if (kidOfKey !== key.kid) return c.json({ error: 'kid_mismatch' }, 400, noStore);
    try {
      vault.addKey(gen, key, today);
    } catch (error) {
      return conflict(c, error);
    }
    appendAudit(store, actor(c), 'key_made', null, `kid:${shortKid(key.kid)} gen:${gen}`, today);
    return c.json({ ok: true }, 201, noStore);
  });

  app.post('/:kid/retire', (c) => {
    const kid = kidSchema.safeParse(c.req.param('kid'));
    if (!kid.success) return c.json({ error: 'bad_request' }, 400, noStore);
    try {
      vault.retireKey(kid.data, now());
    } catch (error) {
      if (error instanceof VaultConflict && error.code === 'no_key') return c.json({ error: 'no_key' }, 404, noStore);
      return conflict(c, error);
    }
    appendAudit(store, actor(c), 'key_retired', null, `kid:${shortKid(kid.data)}`, now());
    return c.json({ ok: true }, 200, noStore);
  });
  return app;
}
