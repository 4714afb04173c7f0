/**
 * /api/operator/*: the site operator connects a municipality's hosted
 * inbox (issue 20, part 4; `npm run connect`). Every route needs
 * `Authorization: Bearer <OPERATOR_TOKEN>` (a Worker secret, compared in
 * constant time); without the secret set, every route answers 404, as if
 * it did not exist.
 *
 *   POST /api/operator/invite {recipient, name?}  → a one-time setup link for
 *        the first administrator (the inbox's own invitation: expiring, single
 *        use); 409 once an administrator has registered
 *   GET  /api/operator/connection/<recipient>     → what the administrator
 *        entered, whether the inbox is set up, and its identity fingerprint
 *   POST /api/operator/approve {recipient}        → recipients.json names it now
 *   POST /api/operator/disconnect {recipient}     → the site stops sending to
 *        it; every stored request stays in its inbox
 *
 * Each call reaches the recipient's Durable Object (HOSTED_INBOX, its
 * methods in intake/src/hosted/operator-calls.ts) and records where the
 * connection stands in KEY_STATEMENTS under `hosted-inbox:<recipient>`, so
 * the Worker's host routing lets a municipality that is being connected
 * reach its inbox before recipients.json names it, and one that was
 * disconnected still reach what its inbox keeps.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import type { HostedInboxOperatorCalls, OperatorInvite } from '../../protocol/connection.ts';
import { hostedInboxOrigin } from '../../protocol/hosted-inbox.ts';
import { identityFingerprint, verifyKeyStatement } from '../../protocol/key-statement.ts';
import { HELP_DIRECTORY_ID_PATTERN } from '../../protocol/limits.ts';
import { requireBearerSecret } from '../bearer.ts';
import type { Env } from '../env.ts';
import { connectionMarker, hostedInbox, markConnection } from '../hosted-inboxes.ts';
import { storedStatement } from '../intake-keys.ts';

type C = Context<{ Bindings: Env }>;

const recipientId = z.string().regex(HELP_DIRECTORY_ID_PATTERN);
const inviteBody = z.strictObject({ recipient: recipientId, name: z.string().trim().min(1).max(100).optional() });
const recipientBody = z.strictObject({ recipient: recipientId });

async function bodyOf<T>(c: C, schema: z.ZodType<T>): Promise<T | null> {
  const parsed = schema.safeParse(await c.req.json().catch(() => null));
  return parsed.success ? parsed.data : null;
}

function inboxOf(c: C, recipient: string): HostedInboxOperatorCalls | null {
  return c.env.HOSTED_INBOX ? hostedInbox(c.env, recipient) : null;
}

/** The fingerprint of the identity in the recipient's stored statement, when that statement verifies under it. */
async function statementIdentity(env: Env, recipient: string): Promise<string | null> {
  const statement = await storedStatement(env, recipient);
  if (!statement) return null;
  const fingerprint = await identityFingerprint(statement.identityKey).catch(() => null);
  if (!fingerprint) return null;
  const check = await verifyKeyStatement(statement, fingerprint, { recipient });
  return check.ok ? fingerprint : null;
}

export const operator = new Hono<{ Bindings: Env }>();

operator.use(
  '*',
  requireBearerSecret((env) => env.OPERATOR_TOKEN, 'operator'),
);
operator.use('*', bodyLimit({ maxSize: 1024, onError: (c) => c.json({ error: 'payload_too_large' }, 413) }));

operator.post('/invite', async (c) => {
  const body = await bodyOf(c, inviteBody);
  if (!body) return c.json({ error: 'malformed' }, 400);
  const inbox = inboxOf(c, body.recipient);
  const domain = c.env.HOSTED_INBOX_DOMAIN;
  if (!inbox || !domain) return c.json({ error: 'not_configured' }, 503);
  const answer = await inbox.operatorInvite(body.recipient, body.name === undefined ? {} : { name: body.name });
  if ('error' in answer) return c.json(answer, 409);
  await markConnection(c.env, body.recipient, 'invited');
  // A development domain (under localhost) is served by this very Worker, on its port.
  const port = Number(new URL(c.req.url).port) || undefined;
  const link = `${hostedInboxOrigin(body.recipient, domain, port)}${answer.path}`;
  return c.json({ recipient: body.recipient, link, expiresAt: answer.expiresAt } satisfies OperatorInvite);
});

operator.get('/connection/:recipient', async (c) => {
  const recipient = recipientId.safeParse(c.req.param('recipient'));
  if (!recipient.success) return c.json({ error: 'malformed' }, 400);
  // Never invited: no object is made for a name nobody connected.
  if (!(await connectionMarker(c.env, recipient.data))) return c.json({ error: 'unknown_recipient' }, 404);
  const inbox = inboxOf(c, recipient.data);
  if (!inbox) return c.json({ error: 'not_configured' }, 503);
  const connection = await inbox.operatorConnection(recipient.data);
  return c.json({ ...connection, identity: connection.identity ?? (await statementIdentity(c.env, recipient.data)) });
});

/** The recipient named in the body and its inbox, for a recipient the operator has invited; or the error answer. */
async function invitedInbox(c: C): Promise<{ recipient: string; inbox: HostedInboxOperatorCalls } | Response> {
  const body = await bodyOf(c, recipientBody);
  if (!body) return c.json({ error: 'malformed' }, 400);
  if (!(await connectionMarker(c.env, body.recipient))) return c.json({ error: 'unknown_recipient' }, 404);
  const inbox = inboxOf(c, body.recipient);
  if (!inbox) return c.json({ error: 'not_configured' }, 503);
  return { recipient: body.recipient, inbox };
}

operator.post('/approve', async (c) => {
  const found = await invitedInbox(c);
  if (found instanceof Response) return found;
  await found.inbox.operatorApproved(found.recipient);
  await markConnection(c.env, found.recipient, 'approved');
  return c.json({ recipient: found.recipient, state: 'approved' });
});

operator.post('/disconnect', async (c) => {
  const found = await invitedInbox(c);
  if (found instanceof Response) return found;
  const { disconnectedAt } = await found.inbox.operatorDisconnect(found.recipient);
  await markConnection(c.env, found.recipient, 'disconnected');
  return c.json({ recipient: found.recipient, state: 'disconnected', disconnectedAt });
});
