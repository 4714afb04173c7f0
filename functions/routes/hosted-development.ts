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
import { requireBearerSecret } from '../bearer.ts';
import { hostedInbox, markConnection } from '../hosted-inboxes.ts';

type C = Context<{ Bindings: Env }>;

async function developmentOnly(c: C, next: Next) {
  if (!isDevelopmentRecipient(c.req.param('id') ?? '')) return c.json({ error: 'not_development' }, 403);
  return next();
}

export const hostedDevelopment = new Hono<{ Bindings: Env }>();

hostedDevelopment.use(
  '/:id/*',
  requireBearerSecret((env) => env.HOSTED_DEVELOPMENT_TOKEN, 'development'),
  developmentOnly,
);

hostedDevelopment.post('/:id/invite', async (c) => {
  const id = c.req.param('id');
  const { name } = await c.req.json<{ name?: unknown }>();
  if (typeof name !== 'string' || !name.trim()) return c.json({ error: 'malformed' }, 400);
  await markConnection(c.env, id, 'invited');
  return c.json(await hostedInbox(c.env, id).inviteAdministrator(id, name));
});

hostedDevelopment.post('/:id/vault', async (c) => {
  const id = c.req.param('id');
  const { setup } = await c.req.json<{ setup?: DevelopmentVaultSetup }>();
  if (!setup || typeof setup.recoveryPublicKey !== 'string' || !Array.isArray(setup.keys)) return c.json({ error: 'malformed' }, 400);
  await markConnection(c.env, id, 'invited');
  return c.json({ provisioned: await hostedInbox(c.env, id).provisionDevelopmentVault(id, setup) });
});
