import { app } from './app.ts';
import type { Env } from './env.ts';
import { hostedDelivery, routeHostedInbox } from './hosted-inboxes.ts';
import { handleIntakeBatch } from './queue-consumer.ts';
import { applySecurityHeaders } from '../src/security/headers.ts';

// The hosted team inboxes' Durable Object class (issue 20): wrangler.jsonc binds it as HOSTED_INBOX.
export { HostedInbox } from './hosted-inbox.js';

/** Paths the Worker's own app answers; every other path that reaches the Worker is a file of the site. */
const isAppPath = (pathname: string): boolean => pathname.startsWith('/api/') || pathname === '/intake-keys.json';

export default {
  // A hosted inbox's own host first (`<id>.<HOSTED_INBOX_DOMAIN>`), then the site: its API, and
  // the files outside its page folders (wrangler.jsonc run_worker_first), with the site's headers.
  fetch: async (request, env, ctx) => {
    const hosted = await routeHostedInbox(request, env);
    if (hosted) return hosted;
    if (isAppPath(new URL(request.url).pathname)) return app.fetch(request, env, ctx);
    const file = await env.ASSETS.fetch(request);
    const response = new Response(file.body, file);
    applySecurityHeaders(response.headers, { api: false });
    return response;
  },
  // Delivery: each queued envelope goes to its municipality's receiver, or into its hosted inbox.
  queue: async (batch, env) => {
    await handleIntakeBatch(batch, env, fetch, await hostedDelivery(env));
  },
} satisfies ExportedHandler<Env>;
