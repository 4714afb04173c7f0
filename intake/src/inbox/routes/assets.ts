/** The inbox's own CSS and scripts, the passkey library's browser build (no CDN), and the language switch. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { LANG_COOKIE, type InboxEnv } from '../context.ts';
import { isInboxLanguage } from '../text.ts';
import { buildInboxApp } from '../app-bundle.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** Next to the inbox's source (inbox/assets/), or next to the bundle (see tools/dev/bundle-intake.ts). */
const assetsDir =
  [join(here, '..', 'assets'), join(here, 'inbox-assets')].find((dir) => existsSync(join(dir, 'inbox.css'))) ?? join(here, '..', 'assets');
/** The browser build (ESM) of @simplewebauthn/browser, served from the intake itself. */
function webauthnBrowserDirectory(): string {
  const bundled = join(assetsDir, 'webauthn');
  if (existsSync(bundled)) return bundled;
  return dirname(fileURLToPath(import.meta.resolve('@simplewebauthn/browser')));
}
const webauthnBrowserDir = webauthnBrowserDirectory();
/** The browser app: prebuilt next to the bundle, else built from source once and kept in memory. */
let inboxApp: Promise<string> | null = null;
function inboxAppSource(): Promise<string> {
  const prebuilt = join(assetsDir, 'inbox-app.js');
  inboxApp ??= (existsSync(prebuilt) ? readFile(prebuilt, 'utf8') : buildInboxApp()).catch((error: unknown) => {
    inboxApp = null;
    throw error;
  });
  return inboxApp;
}
const assetTypes: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

export function assetRoutes(): Hono<InboxEnv> {
  const app = new Hono<InboxEnv>();
  app.get('/assets/webauthn/*', async (c) => {
    const rel = normalize(c.req.path.slice('/assets/webauthn/'.length));
    if (rel.startsWith('..') || !rel.endsWith('.js')) return c.notFound();
    try {
      return c.body(await readFile(join(webauthnBrowserDir, rel)), 200, {
        'content-type': assetTypes['.js']!,
        'cache-control': 'no-cache',
      });
    } catch {
      return c.notFound();
    }
  });
  for (const name of ['inbox.css', 'inbox.js']) {
    app.get(`/assets/${name}`, async (c) =>
      c.body(await readFile(join(assetsDir, name)), 200, {
        'content-type': assetTypes[name.slice(name.lastIndexOf('.'))]!,
        'cache-control': 'no-cache',
      }),
    );
  }
  app.get('/assets/inbox-app.js', async (c) =>
    c.body(await inboxAppSource(), 200, { 'content-type': assetTypes['.js']!, 'cache-control': 'no-cache' }),
  );
  app.get('/lang/:lang', (c) => {
    const lang = c.req.param('lang');
    if (isInboxLanguage(lang))
      setCookie(c, LANG_COOKIE, lang, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', maxAge: 365 * 86400 });
    return c.redirect('/', 303);
  });
  return app;
}
