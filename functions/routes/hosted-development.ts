/**
 * Development only: `npm start` and the system tests reach a development
 * recipient's hosted inbox without an operator (the operator's own calls
 * are /api/operator/*). Answers 404 to everything unless the Worker has
 * HOSTED_DEVELOPMENT_TOKEN (never set in production: README, Deploy), then
 * wants it as a bearer token, and takes only ids ending in -development.
 *
 *   POST /api/dev/hosted/<id>/invite {"name"}   opens the inbox; a one-time
 *                                               administrator link {path, expiresAt}
 *   POST /api/dev/hosted/<id>/vault  {setup}    the development vault (tools/dev/dev-vault.ts)
 */
import { Hono, type Context, type Next } from 'hono';
import { isDevelopmentRecipient, type DevelopmentVaultSetup } from '../../protocol/hosted-inbox.ts';
import type { Env } from '../env.ts';
import { hostedInbox, openHostedInbox } from '../hosted-inboxes.ts';

type C = Context<{ Bindings: Env }>;

/** Equal in constant time: both are hashed first, so the comparison's time says nothing about the token. */
async function sameToken(given: string, expected: string): Promise<boolean> {
  const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

async function developmentOnly(c: C, next: Next) {
  const token = c.env.HOSTED_DEVELOPMENT_TOKEN;
  const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
  if (!token || token.length < 32) return c.json({ error: 'not_found' }, 404);
  if (!given || !(await sameToken(given, token))) return c.json({ error: 'unauthorized' }, 401);
  if (!isDevelopmentRecipient(c.req.param('id') ?? '')) return c.json({ error: 'not_development' }, 403);
  return next();
}

export const hostedDevelopment = new Hono<{ Bindings: Env }>();

hostedDevelopment.use('/:id/*', developmentOnly);

hostedDevelopment.post('/:id/invite', async (c) => {
  const id = c.req.param('id');
  const { name } = await c.req.json<{ name?: unknown }>();
  if (typeof name !== 'string' || !name.trim()) return c.json({ error: 'malformed' }, 400);
  await openHostedInbox(c.env, id);
  return c.json(await hostedInbox(c.env, id).inviteAdministrator(id, name));
});

hostedDevelopment.post('/:id/vault', async (c) => {
  const id = c.req.param('id');
  const { setup } = await c.req.json<{ setup?: DevelopmentVaultSetup }>();
  if (!setup || typeof setup.recoveryPublicKey !== 'string' || !Array.isArray(setup.keys)) return c.json({ error: 'malformed' }, 400);
  await openHostedInbox(c.env, id);
  return c.json({ provisioned: await hostedInbox(c.env, id).provisionDevelopmentVault(id, setup) });
});
