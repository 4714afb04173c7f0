/**
 * The inbox's assets on Node (`intake serve`): its own CSS and scripts
 * read from files next to the source (inbox/assets/) or next to the
 * bundle (inbox-assets/, see tools/dev/bundle-intake.ts), the browser app
 * prebuilt there or built from source once and kept in memory, and the
 * browser build of @simplewebauthn/browser (no CDN). A hosted inbox gets
 * the same files built into the Worker instead; the inbox app itself only
 * sees the InboxAssets function (asset-source.ts), so it never imports
 * node:fs or esbuild.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInboxApp } from './app-bundle.ts';
import { ASSET_TYPES, type InboxAssets } from './asset-source.ts';

export function nodeInboxAssets(): InboxAssets {
  const here = dirname(fileURLToPath(import.meta.url));
  const assetsDir =
    [join(here, 'assets'), join(here, 'inbox-assets')].find((dir) => existsSync(join(dir, 'inbox.css'))) ?? join(here, 'assets');
  const bundledWebauthn = join(assetsDir, 'webauthn');
  const webauthnDir = existsSync(bundledWebauthn)
    ? bundledWebauthn
    : dirname(fileURLToPath(import.meta.resolve('@simplewebauthn/browser')));
  let inboxApp: Promise<string> | null = null;
  const inboxAppSource = (): Promise<string> => {
    const prebuilt = join(assetsDir, 'inbox-app.js');
    inboxApp ??= (existsSync(prebuilt) ? readFile(prebuilt, 'utf8') : buildInboxApp()).catch((error: unknown) => {
      inboxApp = null;
      throw error;
    });
    return inboxApp;
  };
  return async (path) => {
    if (path === '/assets/inbox.css' || path === '/assets/inbox.js') {
      const name = path.slice('/assets/'.length);
      return { body: await readFile(join(assetsDir, name)), type: ASSET_TYPES[name.endsWith('.css') ? 'css' : 'js'] };
    }
    if (path === '/assets/inbox-app.js') return { body: await inboxAppSource(), type: ASSET_TYPES.js };
    if (path.startsWith('/assets/webauthn/')) {
      const rel = normalize(path.slice('/assets/webauthn/'.length));
      if (rel.startsWith('..') || !rel.endsWith('.js')) return null;
      try {
        return { body: await readFile(join(webauthnDir, rel)), type: ASSET_TYPES.js };
      } catch {
        return null;
      }
    }
    return null;
  };
}
