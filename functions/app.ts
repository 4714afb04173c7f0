import { Hono } from 'hono';
import type { Env } from './env.ts';
import { health } from './routes/health.ts';
import { contact } from './routes/contact.ts';
import { reply } from './routes/reply.ts';
import { keyStatement } from './routes/key-statement.ts';
import { operator } from './routes/operator.ts';
import { loadKeySet } from './intake-keys.ts';
import { applySecurityHeaders } from '../src/security/headers.ts';

/** The Hono app for /api/* and the live /intake-keys.json. Static pages never reach it (assets serve them). */
export const app = new Hono<{ Bindings: Env }>();

app.use('*', async (c, next) => {
  await next();
  // /intake-keys.json is a public file with its own short Cache-Control, not an API answer.
  applySecurityHeaders(c.res.headers, { api: c.req.path.startsWith('/api/') });
});

app.route('/api/health', health);
app.route('/api/contact', contact);
app.route('/api/reply', reply);
app.route('/api/key-statement', keyStatement);
app.route('/api/operator', operator);

// The live key set (intake-keys.ts): the build's, with each pinned
// recipient's verified statement. Cached briefly, so a rotated key is used
// within a minute or so.
app.get('/intake-keys.json', async (c) => {
  const keySet = await loadKeySet(c.env);
  if (!keySet) return c.json({ error: 'unavailable' }, 503);
  c.header('Cache-Control', 'public, max-age=60');
  return c.json(keySet);
});

app.notFound((c) => c.json({ error: 'not_found' }, 404));
app.onError((_err, c) => c.json({ error: 'internal' }, 500));
