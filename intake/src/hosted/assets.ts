/**
 * The hosted inbox's files (CSS, scripts, the browser app, the passkey
 * library's browser build), built into the Worker by
 * tools/dev/build-hosted-assets.ts: the same files `intake serve` reads
 * from disk (inbox/node-assets.ts), with nothing to read at run time.
 */
import { inboxAssetsFrom } from '../inbox/asset-source.ts';
import { inboxAssets } from './inbox-assets.generated.js';

export const hostedAssets = inboxAssetsFrom(inboxAssets);
