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

export interface InboxAsset {
  body: string | Uint8Array<ArrayBuffer>;
  /** Its content type. */
  type: string;
}
/** The asset at a path under /assets/ (e.g. "/assets/inbox.css"), or null: not found. */
export type InboxAssets = (path: string) => Promise<InboxAsset | null>;

export const ASSET_TYPES = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' } as const;

/** InboxAssets from files given in full (a path → body map), e.g. built into a Worker. */
export function inboxAssetsFrom(files: Readonly<Record<string, string>>): InboxAssets {
  return async (path) => {
    const body = Object.hasOwn(files, path) ? files[path] : undefined;
    if (body === undefined) return null;
    return { body, type: path.endsWith('.css') ? ASSET_TYPES.css : ASSET_TYPES.js };
  };
}

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
