/**
 * The inbox's own CSS and scripts, and the language switch. Where the
 * files come from is the home's business (InboxAppOptions.assets): on
 * Node they are read from disk (inbox/node-assets.ts), in a hosted
 * inbox's Durable Object they are built into the Worker. So this module,
 * like the rest of the inbox app, imports nothing of node:fs or esbuild.
 */
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { LANG_COOKIE, type InboxEnv } from '../context.ts';
import { isInboxLanguage } from '../text.ts';
import type { InboxAssets } from '../asset-source.ts';

export function assetRoutes(assets: InboxAssets): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  app.get('/assets/*', async (c) => {
    const asset = await assets(c.req.path);
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
  });
  app.get('/lang/:lang', (c) => {
    const lang = c.req.param('lang');
    if (isInboxLanguage(lang))
      setCookie(c, LANG_COOKIE, lang, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', maxAge: 365 * 86400 });
    return c.redirect('/', 303);
  });
  return app;
}
