import { Hono } from 'hono';
import type { Env } from './env.ts';
import { health } from './routes/health.ts';
import { contact } from './routes/contact.ts';
import { reply } from './routes/reply.ts';
import { applySecurityHeaders } from '../src/security/headers.ts';

/** The Hono app for /api/*. Static pages never reach it (assets serve them). */
export const app = new Hono<{ Bindings: Env }>();

app.use('*', async (c, next) => {
  await next();
  applySecurityHeaders(c.res.headers, { api: true });
});

app.route('/api/health', health);
app.route('/api/contact', contact);
app.route('/api/reply', reply);

app.notFound((c) => c.json({ error: 'not_found' }, 404));
app.onError((_err, c) => c.json({ error: 'internal' }, 500));
