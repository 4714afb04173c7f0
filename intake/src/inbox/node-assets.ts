/**
 * The inbox's files on Node (`intake serve`, the tests): its CSS and
 * scripts next to its source or next to the bundle, the passkey library's
 * browser build, and the browser app (prebuilt next to the bundle, else
 * built from source once and kept in memory). A hosted inbox gets the same
 * files built into the Worker instead (hosted/assets.ts); only this file
 * reads them from disk, so the inbox app itself reaches no node:fs.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInboxApp } from './app-bundle.ts';
import type { InboxAssets } from './context.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** Next to the inbox's source (inbox/assets/), or next to the bundle (see tools/dev/bundle-intake.ts). */
const assetsDir =
  [join(here, 'assets'), join(here, 'inbox-assets')].find((dir) => existsSync(join(dir, 'inbox.css'))) ?? join(here, 'assets');
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

const JS = 'text/javascript; charset=utf-8';

export const nodeInboxAssets: InboxAssets = async (path) => {
  if (path === '/assets/inbox-app.js') return { body: await inboxAppSource(), type: JS };
  if (path === '/assets/inbox.css') return { body: await readFile(join(assetsDir, 'inbox.css')), type: 'text/css; charset=utf-8' };
  if (path === '/assets/inbox.js') return { body: await readFile(join(assetsDir, 'inbox.js')), type: JS };
  if (path.startsWith('/assets/webauthn/')) {
    const rel = normalize(path.slice('/assets/webauthn/'.length));
    if (rel.startsWith('..') || !rel.endsWith('.js')) return null;
    return readFile(join(webauthnBrowserDir, rel)).then(
      (body) => ({ body, type: JS }),
      () => null,
    );
  }
  return null;
};
