/**
 * The intake watches the site (review H1, first step). Every few minutes,
 * from the municipality's own network, it fetches what the site serves to
 * everyone and alerts when:
 *
 *  - key_not_held       the published key set (/intake-keys.json) lists a key
 *                       for this intake's recipient that the intake does not
 *                       hold: requests sealed to it could be read by whoever
 *                       holds it, not by this intake;
 *  - unknown_release    the release manifest (/release-manifest.json, written
 *                       at build) is not one this intake has accepted: the
 *                       site changed without a release it knows;
 *  - key_set_mismatch   the key set served is not the one the manifest names;
 *  - script_mismatch    a script the contact page loads (or one it imports)
 *                       is missing from the manifest or differs from it, or
 *                       the page loads no script at all;
 *  - unreachable        something could not be fetched or read.
 *
 * Accepting a release (after checking it with the project, out of band) is
 * `npm run intake -- watch --accept-release=<digest>` (with "=": a base64url
 * digest may begin with "-", which would read as an option); the digest is the
 * base64url SHA-256 of the manifest as served. Alerts name keys and files,
 * never anything about a request.
 *
 * What this cannot see: a site that serves an honest page to this intake
 * and a swapped one to chosen visitors. It raises the cost of a swap; it
 * does not prevent one (README, Security).
 */
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { keySetSchema } from '../../protocol/key-set.ts';
import { shortFingerprint } from '../../protocol/key-fingerprint.ts';
import { localeCodes } from '../../protocol/locales.ts';
import { createHash } from 'node:crypto';
import { RELEASE_MANIFEST_PATH, releaseManifestSchema } from '../../protocol/release-manifest.ts';

export type WatchAlertCode = 'key_not_held' | 'unknown_release' | 'key_set_mismatch' | 'script_mismatch' | 'unreachable';

export interface WatchAlert {
  code: WatchAlertCode;
  detail: string;
}

export interface WatchResult {
  alerts: WatchAlert[];
  /** The digest of the manifest served now (to accept it), if it could be read. */
  manifestDigest: string | null;
  /** Short fingerprints of this recipient's published keys (kid prefix). */
  publishedKids: string[];
}

export interface WatchOptions {
  siteUrl: string;
  recipient: string;
  /** Kids of the private keys this intake holds. */
  heldKids: readonly string[];
  /** Manifest digests this intake has accepted. */
  knownReleases: readonly string[];
  fetch?: typeof fetch;
  /** Contact pages to check (default: every locale's /<locale>/kontakt/). */
  contactPages?: readonly string[];
}

const MAX_FILE_BYTES = 2 * 1024 * 1024;

async function get(options: WatchOptions, path: string): Promise<Uint8Array> {
  const response = await (options.fetch ?? fetch)(new URL(path, options.siteUrl), {
    cache: 'no-store',
    redirect: 'error',
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`${path} answered HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_FILE_BYTES) throw new Error(`${path} is larger than ${MAX_FILE_BYTES} bytes`);
  return bytes;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Script paths a page or script names: <script src> and module imports under /_astro/. */
export function referencedScripts(source: string, from = '/_astro/'): string[] {
  const found = new Set<string>();
  for (const match of source.matchAll(/["'(](\/_astro\/[\w.@-]+\.js|\.\/[\w.@-]+\.js)["')]/g)) {
    const path = match[1]!.startsWith('./') ? `${from}${match[1]!.slice(2)}` : match[1]!;
    found.add(path);
  }
  return [...found];
}

/** One look at the site. Never throws: what fails becomes an `unreachable` alert. */
export async function watchSiteOnce(options: WatchOptions): Promise<WatchResult> {
  const alerts: WatchAlert[] = [];
  const result: WatchResult = { alerts, manifestDigest: null, publishedKids: [] };

  let keySetBytes: Uint8Array | null = null;
  try {
    keySetBytes = await get(options, '/intake-keys.json');
    const keySet = keySetSchema.parse(JSON.parse(text(keySetBytes)));
    const mine = keySet.keys.filter((key) => key.recipient === options.recipient);
    result.publishedKids = mine.map((key) => key.kid);
    for (const key of mine) {
      if (!options.heldKids.includes(key.kid)) {
        alerts.push({ code: 'key_not_held', detail: `the site publishes key ${key.kid} (valid to ${key.notAfter}) for ${options.recipient}, and this intake does not hold it` });
      }
    }
  } catch (error) {
    alerts.push({ code: 'unreachable', detail: `key set: ${(error as Error).message}` });
  }

  let manifest: z.infer<typeof releaseManifestSchema> | null = null;
  try {
    const bytes = await get(options, RELEASE_MANIFEST_PATH);
    result.manifestDigest = sha256(bytes);
    manifest = releaseManifestSchema.parse(JSON.parse(text(bytes)));
    if (!options.knownReleases.includes(result.manifestDigest)) {
      alerts.push({ code: 'unknown_release', detail: `release manifest ${result.manifestDigest} is not a release this intake knows (once checked with the project: watch --accept-release=${result.manifestDigest})` });
    }
  } catch (error) {
    alerts.push({ code: 'unreachable', detail: `release manifest: ${(error as Error).message}` });
  }
  if (!manifest) return result;

  if (keySetBytes && sha256(keySetBytes) !== manifest.keySet) {
    alerts.push({ code: 'key_set_mismatch', detail: 'the key set served is not the one the release manifest names' });
  }

  // Every script the contact pages load, and every script those import.
  const pages = options.contactPages ?? localeCodes.map((locale) => `/${locale}/kontakt/`);
  const queue: string[] = [];
  for (const page of pages) {
    try {
      const scripts = referencedScripts(text(await get(options, page)));
      // A contact page without its script cannot encrypt in the browser: every request would reach the server readable.
      if (scripts.length === 0) alerts.push({ code: 'script_mismatch', detail: `${page} loads no script (the form could not encrypt in the browser)` });
      queue.push(...scripts);
    } catch (error) {
      alerts.push({ code: 'unreachable', detail: `${page}: ${(error as Error).message}` });
    }
  }
  const seen = new Set<string>();
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    try {
      const bytes = await get(options, path);
      const expected = manifest.scripts[path];
      if (!expected) alerts.push({ code: 'script_mismatch', detail: `${path} is loaded by the contact page but not in the release manifest` });
      else if (expected !== sha256(bytes)) alerts.push({ code: 'script_mismatch', detail: `${path} differs from the release manifest` });
      queue.push(...referencedScripts(text(bytes)));
    } catch (error) {
      alerts.push({ code: 'unreachable', detail: `${path}: ${(error as Error).message}` });
    }
  }
  return result;
}

// ------------------------------------------------------------ known releases

const KNOWN_RELEASES_FILE = 'known-releases.json';
const knownReleasesSchema = z.object({ v: z.literal(1), releases: z.array(z.object({ digest: z.string(), acceptedAt: z.string() })) });

export async function loadKnownReleases(dir: string): Promise<string[]> {
  try {
    return knownReleasesSchema.parse(JSON.parse(await readFile(join(dir, KNOWN_RELEASES_FILE), 'utf8'))).releases.map((r) => r.digest);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${join(dir, KNOWN_RELEASES_FILE)} is not a known-releases file`, { cause: error });
  }
}

/** Adds a manifest digest to the releases this intake accepts (written atomically, 0600). */
export async function acceptRelease(dir: string, digest: string, now: Date = new Date()): Promise<void> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(digest)) throw new Error('a release digest is 43 characters of base64url');
  const file = join(dir, KNOWN_RELEASES_FILE);
  let releases: { digest: string; acceptedAt: string }[] = [];
  try {
    releases = knownReleasesSchema.parse(JSON.parse(await readFile(file, 'utf8'))).releases;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (releases.some((r) => r.digest === digest)) return;
  releases.push({ digest, acceptedAt: now.toISOString() });
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ v: 1, releases }, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

export { shortFingerprint };

/** base64url SHA-256, as the release manifest writes its digests. */
function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url');
}
