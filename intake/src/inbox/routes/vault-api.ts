/**
 * The vault's JSON API (issue 19, the shared design): the browser makes
 * and opens every key; the server only stores what the browser sealed and
 * decides who may write which row. Every body is checked with zod, every
 * POST carries the session's CSRF token (requireSession), every answer is
 * `no-store`, and every change leaves an audit line.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { base64urlDecode, base64urlOf } from '../../../../protocol/envelope.ts';
import { ENC_SIZE, KID_SIZE, PUBLIC_KEY_SIZE } from '../../../../protocol/limits.ts';
import { appendAudit } from '../../audit.ts';
import { VaultConflict, VaultTables } from '../../store/vault.ts';
import { actor, page, sessionOf, type Inbox, type InboxEnv } from '../context.ts';
import * as pages from '../pages.ts';

const b64 = (max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .max(max);
export const boxSchema = z.strictObject({ iv: base64urlOf(12, 'iv'), ct: b64(8192) });
export const grantSchema = z.strictObject({ gen: z.number().int().min(1), enc: base64urlOf(ENC_SIZE, 'enc'), ct: b64(256) });
const publicKeySchema = base64urlOf(PUBLIC_KEY_SIZE, 'public key');
export const recipientKeySchema = z.strictObject({
  kid: base64urlOf(KID_SIZE, 'kid'),
  publicKey: publicKeySchema,
  notAfter: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  wrapped: boxSchema,
});
const unlockSchema = z.strictObject({
  v: z.literal(1),
  kind: z.enum(['prf', 'phrase']),
  kdf: z
    .strictObject({ name: z.literal('PBKDF2-SHA256'), iterations: z.number().int().min(100_000).max(10_000_000), salt: b64(64) })
    .optional(),
  box: boxSchema,
});
const memberKeySchema = z
  .strictObject({ publicKey: publicKeySchema, unlock: unlockSchema })
  .refine((key) => (key.unlock.kind === 'phrase') === (key.unlock.kdf !== undefined), 'a phrase key names its KDF, a passkey key none');
/** The recipient's identity key as the browser made it (issue 20): its public point and the box of its private half. */
export const identityKeySchema = z.strictObject({ publicKey: publicKeySchema, wrapped: boxSchema });

/** Whether a raw P-256 point is on the curve (WebCrypto refuses one that is not). */
export async function isIdentityPoint(publicKey: string): Promise<boolean> {
  const raw = base64urlDecode(publicKey);
  if (!raw) return false;
  return crypto.subtle.importKey('raw', raw, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']).then(
    () => true,
    () => false,
  );
}

/** The first administrator's setup: V's grants, the first key for requests and the identity key (issue 20), made in the browser. */
const setupSchema = z.strictObject({
  recoveryPublicKey: publicKeySchema,
  recovery: grantSchema,
  grant: grantSchema,
  keys: z.array(recipientKeySchema).min(1).max(4),
  identity: identityKeySchema,
});
export const rotationSchema = z.strictObject({
  gen: z.number().int().min(2),
  recovery: grantSchema,
  previous: boxSchema,
  grants: z.array(z.strictObject({ staffId: z.number().int().min(1), grant: grantSchema })).max(1000),
  keys: z.array(recipientKeySchema).min(1).max(4),
});
const grantBodySchema = z.strictObject({ grant: grantSchema });

/** The body as `schema` says, or null (the route answers 400). */
export async function bodyOf<T>(c: Context<InboxEnv>, schema: z.ZodType<T>): Promise<T | null> {
  const parsed = schema.safeParse(await c.req.json().catch(() => undefined));
  return parsed.success ? parsed.data : null;
}

export const noStore = { 'cache-control': 'no-store' } as const;

/** A VaultConflict as a 409 naming why; anything else goes on to onError. */
export function conflict(c: Context<InboxEnv>, error: unknown) {
  if (error instanceof VaultConflict) return c.json({ error: error.code }, 409, noStore);
  throw error;
}

/** Mounted behind requireSession (signed in; a POST with the CSRF header). */
export function vaultApiRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { store, now } = inbox;
  const vault = new VaultTables(store);
  const app = new Hono<InboxEnv>();
  const bad = (c: Context<InboxEnv>) => c.json({ error: 'bad_request' }, 400, noStore);

  // GET /api/session-key: routes/api.ts (the key is made at sign-in, accounts.ts).

  app.get('/api/vault', (c) => {
    const { staff } = sessionOf(c);
    return c.json(
      {
        staffId: staff.id,
        role: staff.role,
        confirmed: staff.confirmedAt !== null,
        memberKey: vault.memberKey(staff.id),
        grant: vault.grant(staff.id),
        latestGen: vault.latestGen(),
        recoveryPublicKey: vault.recoveryPublicKey(),
        // The recipient this inbox signs key statements for (issue 20), or null where it has none.
        recipient: inbox.recipient ?? null,
      },
      200,
      noStore,
    );
  });

  app.post('/api/member-key', async (c) => {
    const body = await bodyOf(c, memberKeySchema);
    if (!body) return bad(c);
    try {
      vault.addMemberKey(sessionOf(c).staff.id, body, now());
    } catch (error) {
      return conflict(c, error);
    }
    appendAudit(store, actor(c), 'member_key', null, body.unlock.kind, now());
    return c.json({ ok: true }, 201, noStore);
  });

  // The pages the app fills in: setup (no vault yet) and recovery (an administrator without access).
  app.get('/vault/setup', (c) => {
    if (sessionOf(c).staff.role !== 'admin' || vault.latestGen() !== null) return c.redirect('/', 303);
    return c.html(pages.vaultSetupPage(page(c)));
  });
  app.get('/vault/recover', (c) => {
    if (sessionOf(c).staff.role !== 'admin' || vault.latestGen() === null) return c.redirect('/', 303);
    return c.html(pages.recoveryPage(page(c)));
  });

  // The identity key's box travels with the chain: only a browser holding its generation's V opens it.
  app.get('/api/vault/chain', (c) => {
    const identity = vault.identity();
    return c.json(
      { ...vault.chain(), identity: identity && { publicKey: identity.publicKey, gen: identity.gen, wrapped: identity.wrapped } },
      200,
      noStore,
    );
  });

  app.post('/api/vault/setup', async (c) => {
    const { staff } = sessionOf(c);
    if (staff.role !== 'admin') return c.json({ error: 'forbidden' }, 403, noStore);
    const body = await bodyOf(c, setupSchema);
    if (!body || !(await isIdentityPoint(body.identity.publicKey))) return bad(c);
    try {
      vault.setUp(staff.id, body, now());
    } catch (error) {
      return conflict(c, error);
    }
    appendAudit(store, actor(c), 'vault_setup', null, 'gen:1', now());
    return c.json({ ok: true }, 201, noStore);
  });

  // The recovery grant of the newest generation: only an administrator who holds no grant needs it.
  app.get('/api/vault/recovery', (c) => {
    const { staff } = sessionOf(c);
    if (staff.role !== 'admin') return c.json({ error: 'forbidden' }, 403, noStore);
    return c.json({ recovery: vault.recoveryGrant(), recoveryPublicKey: vault.recoveryPublicKey() }, 200, noStore);
  });

  app.post('/api/vault/recovered', async (c) => {
    const { staff } = sessionOf(c);
    if (staff.role !== 'admin') return c.json({ error: 'forbidden' }, 403, noStore);
    const body = await bodyOf(c, grantBodySchema);
    if (!body) return bad(c);
    if (vault.grant(staff.id)?.gen === vault.latestGen()) return c.json({ error: 'has_grant' }, 409, noStore);
    try {
      vault.setGrant(staff.id, body.grant, staff.id, now());
    } catch (error) {
      return conflict(c, error);
    }
    appendAudit(store, actor(c), 'recovered', null, `gen:${body.grant.gen}`, now());
    return c.json({ ok: true }, 201, noStore);
  });
  return app;
}
