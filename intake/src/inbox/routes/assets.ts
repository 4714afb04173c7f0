/**
 * The inbox's own CSS and scripts, the passkey library's browser build (no
 * CDN), and the language switch. The files come through the app's
 * `assets` option: read from disk on Node (inbox/node-assets.ts), built
 * into the Worker for a hosted inbox (hosted/assets.ts).
 */
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { LANG_COOKIE, type InboxAssets, type InboxEnv } from '../context.ts';
import { isInboxLanguage } from '../text.ts';

export function assetRoutes(assets: InboxAssets): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  app.get('/assets/*', async (c) => {
    const file = await assets(c.req.path);
    if (!file) return c.notFound();
    return c.body(typeof file.body === 'string' ? file.body : new Uint8Array(file.body), 200, {
      'content-type': file.type,
      'cache-control': 'no-cache',
    });
  });
  app.get('/lang/:lang', (c) => {
    const lang = c.req.param('lang');
    if (isInboxLanguage(lang))
      setCookie(c, LANG_COOKIE, lang, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', maxAge: 365 * 86400 });
    return c.redirect('/', 303);
  });
  return app;
}
