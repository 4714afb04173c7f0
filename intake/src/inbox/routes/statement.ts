/**
 * The recipient's identity key and its key statements (issue 20), for
 * administrators. The identity key is made in an administrator's browser
 * (at setup, or here for a vault made before it) and kept boxed under V;
 * the server stores its public half and the box. Whenever the keys for
 * requests change, the browser signs a statement of them with it and posts
 * it here. The server signs nothing: it checks that the statement is signed
 * by the identity key it holds, is for this recipient, lists only keys this
 * inbox holds and has not retired, and is newer than the last one; keeps it;
 * and hands it to `publishStatement` (the site's /api/key-statement, or the
 * hosted Worker's KV), which retries while it waits (statement-outbox.ts).
 *
 * Mounted at /api/vault/identity and /api/vault/statement behind
 * requireSession (a POST carries the CSRF header); each carries its guard.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { asKeyStatement, identityFingerprint, statementOrderProblem, verifyKeyStatement } from '../../../../protocol/key-statement.ts';
import { appendAudit } from '../../audit.ts';
import { publishLatestStatement } from '../../statement-outbox.ts';
import { actor, sessionOf, type Inbox, type InboxEnv } from '../context.ts';
import { adminJson } from './keys.ts';
import { bodyOf, conflict, identityKeySchema, isIdentityPoint, noStore } from './vault-api.ts';

const newIdentitySchema = identityKeySchema.extend({ gen: z.number().int().min(1) });

/** Mounted at /api/vault/identity: the identity key of a vault that has none yet. */
export function identityApiRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { store, now } = inbox;
  const app = new Hono<InboxEnv>();
  app.use(adminJson);
  app.post('/', async (c) => {
    const body = await bodyOf(c, newIdentitySchema);
    if (!body || !(await isIdentityPoint(body.publicKey))) return c.json({ error: 'bad_request' }, 400, noStore);
    const { gen, ...identity } = body;
    try {
      store.vault.setIdentity(gen, identity, sessionOf(c).staff.id, now());
    } catch (error) {
      return conflict(c, error);
    }
    const fingerprint = await identityFingerprint(identity.publicKey);
    appendAudit(store, actor(c), 'identity_made', null, `fp:${fingerprint.slice(0, 8)}`, now());
    return c.json({ ok: true, fingerprint }, 201, noStore);
  });
  return app;
}

type Refusal = 'bad_request' | 'no_recipient' | 'no_identity' | 'wrong_identity' | 'bad_signature' | 'expired_keys' | 'unknown_key';
const REFUSAL_STATUS = {
  bad_request: 400,
  no_recipient: 409,
  no_identity: 409,
  wrong_identity: 403,
  bad_signature: 403,
  expired_keys: 422,
  unknown_key: 409,
} as const satisfies Record<Refusal, number>;

/** Mounted at /api/vault/statement: a statement signed in the browser, verified, kept and published. */
export function statementApiRoutes(inbox: Inbox): Hono<InboxEnv> {
  const { store, now } = inbox;
  const vault = store.vault;
  const app = new Hono<InboxEnv>();
  app.use(adminJson);
  const refuse = (c: Context<InboxEnv>, error: Refusal) => c.json({ error }, REFUSAL_STATUS[error], noStore);

  app.post('/', async (c) => {
    const statement = asKeyStatement(await c.req.json().catch(() => undefined));
    if (!statement) return refuse(c, 'bad_request');
    const recipient = inbox.recipient;
    if (!recipient) return refuse(c, 'no_recipient');
    const identity = vault.identity();
    if (!identity) return refuse(c, 'no_identity');
    // Signed by the identity key this inbox holds, for this recipient: nobody can publish for it with another key.
    if (statement.identityKey !== identity.publicKey || statement.recipient !== recipient) return refuse(c, 'wrong_identity');
    const today = now();
    const check = await verifyKeyStatement(statement, await identityFingerprint(identity.publicKey), { recipient, now: today });
    if (!check.ok) return refuse(c, check.reason === 'malformed' ? 'bad_request' : check.reason);
    // Only keys this inbox holds (their private halves are in the vault) and has not retired, with their own last day.
    const held = new Map(
      vault
        .keys()
        .filter((key) => key.retiredAt === null)
        .map((key) => [key.publicKey, key.notAfter]),
    );
    if (statement.keys.some((key) => held.get(key.publicKey) !== key.notAfter)) return refuse(c, 'unknown_key');
    const order = statementOrderProblem(statement, vault.latestStatement()?.statement ?? null, today);
    if (order) return c.json({ error: order }, order === 'stale_statement' ? 409 : 422, noStore);
    try {
      vault.addStatement(statement, sessionOf(c).staff.id, today);
    } catch (error) {
      return conflict(c, error);
    }
    appendAudit(store, actor(c), 'key_statement', null, `keys:${statement.keys.length}`, today);
    const state = inbox.publishStatement ? await publishLatestStatement(vault, inbox.publishStatement, now) : 'waiting';
    return c.json({ ok: true, state }, 201, noStore);
  });
  return app;
}
