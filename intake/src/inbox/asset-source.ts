/**
 * Where the inbox's files come from (InboxAppOptions.assets): the home's
 * business. On Node they are read from disk (node-assets.ts); in a hosted
 * inbox's Durable Object they are built into the Worker (inboxAssetsFrom).
 */

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
