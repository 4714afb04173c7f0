/**
 * The hosted inbox's files (CSS, scripts, the browser app, the passkey
 * library's browser build), built into the Worker by
 * tools/dev/build-hosted-assets.ts: the same files `intake serve` reads
 * from disk, with nothing to read at run time.
 */
import { inboxAssets } from './inbox-assets.generated.js';

/** The file at `path` ("/assets/…"), or null. */
export function hostedAsset(path: string): Promise<{ body: string; type: string } | null> {
  return Promise.resolve(Object.hasOwn(inboxAssets, path) ? inboxAssets[path]! : null);
}
