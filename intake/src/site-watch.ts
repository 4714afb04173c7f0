/**
 * The intake watches the site (review H1, N5). Every few minutes, from the
 * municipality's own network, it fetches what the site serves to everyone
 * and alerts when:
 *
 *  - key_not_held       the published key set (/intake-keys.json) lists a key
 *                       for this intake's recipient that the intake does not
 *                       hold: requests sealed to it could be read by whoever
 *                       holds it, not by this intake;
 *  - unsigned_release   the release manifest (/release-manifest.json) is not
 *                       signed by a release key this intake pins
 *                       (UTVAG_RELEASE_PUBLIC_KEYS), and is not one it has
 *                       accepted by hand either;
 *  - unknown_release    no release key is pinned, and the manifest is not a
 *                       release this intake has accepted;
 *  - key_set_mismatch   the key set served is not the one the manifest names;
 *  - statement_mismatch the key set served for this intake's recipient is not
 *                       the one its newest signed statement lists (issue 20):
 *                       no statement served, an older or another one, or
 *                       keys served that it does not list, or listed keys missing;
 *  - page_mismatch      a page that runs code on a person's secret (the
 *                       contact form and the answer page, every locale) is
 *                       not, byte for byte, the page the manifest names: an
 *                       added script, inline or not, is a different page;
 *  - script_mismatch    a script or style such a page loads (or a script
 *                       imports) is not in the manifest, differs from it, or
 *                       comes from another host; or the contact page loads no
 *                       script at all;
 *  - unreachable        something could not be fetched or read.
 *
 * Accepting an unsigned release by hand (after checking it with the
 * project, out of band) is `npm run intake -- watch --accept-release=<digest>`
 * (with "=": a base64url digest may begin with "-"); the digest is the
 * base64url SHA-256 of the manifest as served. Alerts name keys, pages and
 * files, never anything about a request; `watch` sends them through the
 * configured alert channel (UTVAG_ALERT_COMMAND / UTVAG_ALERT_URL).
 *
 * What this cannot see: a site that serves an honest page to this intake
 * and a swapped one to chosen visitors. It raises the cost of a swap; it
 * does not prevent one (README, Security).
 */
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { base64urlDecode } from '../../protocol/base64url.ts';
import { computeKid } from '../../protocol/envelope-core.ts';
import { isKeyValid } from '../../protocol/key-dates.ts';
import { builtPartOf, keySetSchema, type KeySet } from '../../protocol/key-set.ts';
import type { KeyStatement } from '../../protocol/key-statement.ts';
import { keyFingerprint } from '../../protocol/key-fingerprint.ts';
import { localeCodes } from '../../protocol/locales.ts';
import { RELEASE_MANIFEST_PATH, RELEASE_SIGNATURE_PATH, releaseManifestSchema, watchedPages } from '../../protocol/release-manifest.ts';

export type WatchAlertCode =
  | 'key_not_held'
  | 'unsigned_release'
  | 'unknown_release'
  | 'key_set_mismatch'
  | 'statement_mismatch'
  | 'page_mismatch'
  | 'script_mismatch'
  | 'unreachable';

export interface WatchAlert {
  code: WatchAlertCode;
  detail: string;
}

export interface WatchResult {
  alerts: WatchAlert[];
  /** The digest of the manifest served now (to accept it), if it could be read. */
  manifestDigest: string | null;
  /** True when the manifest is signed by a pinned release key. */
  signed: boolean;
  /** Kids of this recipient's published keys (print them with keyFingerprint). */
  publishedKids: string[];
}

export interface WatchOptions {
  siteUrl: string;
  recipient: string;
  /** Kids of the private keys this intake holds. */
  heldKids: readonly string[];
  /** Manifest digests this intake has accepted by hand. */
  knownReleases: readonly string[];
  /** Release public keys this intake pins (base64url, raw 32 bytes): a release they signed is accepted. */
  releaseKeys?: readonly string[];
  fetch?: typeof fetch;
  /** The newest statement this intake signed (store/vault.ts); the served key set is compared with it. */
  ownStatement?: KeyStatement | null;
  /** Pages to check (default: /<locale>/kontakt/ and /<locale>/svar/ in every locale). */
  pages?: readonly string[];
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

/**
 * Everything a page or a script names that runs or styles it: every
 * <script src>, every <link href> (stylesheet, modulepreload, preload …),
 * and in scripts every `import "…"`, `from "…"` and `import("…")`, resolved
 * against `from`. Not a full HTML parser, and it need not be one: a page is
 * also compared byte for byte with the manifest, so whatever this might
 * miss in a changed page is a page_mismatch already. Paths on another host
 * come back as full URLs.
 */
export function referencedScripts(source: string, from = '/_astro/'): string[] {
  const found = new Set<string>();
  const add = (ref: string) => {
    const url = new URL(ref, `https://site.invalid${from}`);
    found.add(url.origin === 'https://site.invalid' ? url.pathname : url.href);
  };
  for (const tag of source.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const attribute = tag[1]!.toLowerCase() === 'script' ? 'src' : 'href';
    const value = new RegExp(`\\s${attribute}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag[0]);
    const ref = value ? (value[1] ?? value[2] ?? value[3] ?? '') : '';
    if (!ref) continue;
    if (tag[1]!.toLowerCase() === 'link' && !/\srel\s*=\s*["']?(stylesheet|modulepreload|preload|prefetch)\b/i.test(tag[0])) continue;
    add(ref);
  }
  if (!/<html|<head|<body/i.test(source)) {
    for (const match of source.matchAll(/(?:\bimport\s*\(?\s*|\bfrom\s*)["']([^"']+\.(?:m?js|css))["']/g)) add(match[1]!);
  }
  return [...found];
}

/** One look at the site. Never throws: what fails becomes an `unreachable` alert. */
export async function watchSiteOnce(options: WatchOptions): Promise<WatchResult> {
  const alerts: WatchAlert[] = [];
  const result: WatchResult = { alerts, manifestDigest: null, signed: false, publishedKids: [] };

  let keySetBytes: Uint8Array | null = null;
  try {
    const keySet = keySetSchema.parse(JSON.parse(text(await get(options, '/intake-keys.json'))));
    // The Worker adds each pinned recipient's signed statement and its keys; the manifest names the built rest.
    keySetBytes = new TextEncoder().encode(JSON.stringify(builtPartOf(keySet)));
    const mine = keySet.keys.filter((key) => key.recipient === options.recipient);
    result.publishedKids = mine.map((key) => key.kid);
    for (const key of mine) {
      if (!options.heldKids.includes(key.kid)) {
        alerts.push({
          code: 'key_not_held',
          detail: `the site publishes key ${key.kid} (valid to ${key.notAfter}) for ${options.recipient}, and this intake does not hold it`,
        });
      }
    }
    if (options.ownStatement) alerts.push(...(await statementDifferences(options.ownStatement, keySet, options.recipient)));
  } catch (error) {
    alerts.push({ code: 'unreachable', detail: `key set: ${(error as Error).message}` });
  }

  let manifest: z.infer<typeof releaseManifestSchema> | null = null;
  try {
    const bytes = await get(options, RELEASE_MANIFEST_PATH);
    result.manifestDigest = sha256(bytes);
    manifest = releaseManifestSchema.parse(JSON.parse(text(bytes)));
    const pinned = options.releaseKeys ?? [];
    if (pinned.length > 0) {
      const signature = text(await get(options, RELEASE_SIGNATURE_PATH).catch(() => new Uint8Array()));
      result.signed = verifyRelease(bytes, signature, pinned);
    }
    const accepted = result.signed || options.knownReleases.includes(result.manifestDigest);
    if (!accepted && pinned.length > 0) {
      alerts.push({
        code: 'unsigned_release',
        detail: `release manifest ${result.manifestDigest} is not signed by the release key this intake pins (if the project confirms it out of band: watch --accept-release=${result.manifestDigest})`,
      });
    } else if (!accepted) {
      alerts.push({
        code: 'unknown_release',
        detail: `release manifest ${result.manifestDigest} is not a release this intake knows (once checked with the project: watch --accept-release=${result.manifestDigest})`,
      });
    }
  } catch (error) {
    alerts.push({ code: 'unreachable', detail: `release manifest: ${(error as Error).message}` });
  }
  if (!manifest) return result;

  if (keySetBytes && sha256(keySetBytes) !== manifest.keySet) {
    alerts.push({ code: 'key_set_mismatch', detail: 'the key set served is not the one the release manifest names' });
  }

  // Every page that runs code on a secret, byte for byte; every script and style they load, and every script those import.
  const pages = options.pages ?? watchedPages(localeCodes);
  const queue: string[] = [];
  for (const page of pages) {
    try {
      const bytes = await get(options, page);
      const expected = manifest.pages[page];
      if (!expected) alerts.push({ code: 'page_mismatch', detail: `${page} is not in the release manifest` });
      else if (expected !== sha256(bytes)) alerts.push({ code: 'page_mismatch', detail: `${page} differs from the release manifest` });
      const loads = referencedScripts(text(bytes));
      // A contact page without its script cannot encrypt in the browser: every request would reach the server readable.
      if (page.endsWith('/kontakt/') && !loads.some((path) => path.endsWith('.js'))) {
        alerts.push({ code: 'script_mismatch', detail: `${page} loads no script (the form could not encrypt in the browser)` });
      }
      queue.push(...loads);
    } catch (error) {
      alerts.push({ code: 'unreachable', detail: `${page}: ${(error as Error).message}` });
    }
  }
  const seen = new Set<string>();
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    if (!path.startsWith('/')) {
      alerts.push({ code: 'script_mismatch', detail: `${path} is loaded from another host` });
      continue;
    }
    const expected = manifest.files[path];
    if (!expected) {
      alerts.push({ code: 'script_mismatch', detail: `${path} is loaded but not in the release manifest` });
      continue;
    }
    try {
      const bytes = await get(options, path);
      if (expected !== sha256(bytes)) alerts.push({ code: 'script_mismatch', detail: `${path} differs from the release manifest` });
      if (path.endsWith('.js')) queue.push(...referencedScripts(text(bytes), path.slice(0, path.lastIndexOf('/') + 1)));
    } catch (error) {
      alerts.push({ code: 'unreachable', detail: `${path}: ${(error as Error).message}` });
    }
  }
  return result;
}

/**
 * What differs between the key set served and this recipient's own newest
 * statement: the statement served (none, older, or one it did not sign),
 * and the keys served for it (one it does not list, one it lists missing).
 * Keys whose last day has passed are left out on both sides.
 */
export async function statementDifferences(own: KeyStatement, keySet: KeySet, recipient: string, now = new Date()): Promise<WatchAlert[]> {
  const alerts: WatchAlert[] = [];
  const say = (detail: string) => alerts.push({ code: 'statement_mismatch', detail });
  const served = keySet.statements.find((statement) => statement.recipient === recipient);
  if (!served) say(`the site serves no signed statement for ${recipient}; this intake's newest was issued ${own.issued}`);
  else if (served.sig !== own.sig) {
    if (Date.parse(served.issued) < Date.parse(own.issued))
      say(`the site serves an older statement for ${recipient} (issued ${served.issued}) than this intake's newest (issued ${own.issued})`);
    else
      say(`the site serves a statement for ${recipient} issued ${served.issued} that is not this intake's newest (issued ${own.issued})`);
  }
  const listed = new Set<string>();
  for (const key of own.keys) if (isKeyValid(key, now)) listed.add(await computeKid(base64urlDecode(key.publicKey)!));
  const servedKids = new Set(keySet.keys.filter((key) => key.recipient === recipient && isKeyValid(key, now)).map((key) => key.kid));
  for (const kid of servedKids)
    if (!listed.has(kid)) say(`the site serves key ${kid} for ${recipient}, which this intake's newest statement does not list`);
  for (const kid of listed) if (!servedKids.has(kid)) say(`key ${kid} in this intake's newest statement is not served for ${recipient}`);
  return alerts;
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

export { keyFingerprint };

/** base64url SHA-256, as the release manifest writes its digests. */
function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url');
}

/** True when `signature` (base64url) is a pinned release key's Ed25519 signature of exactly these manifest bytes. */
export function verifyRelease(manifestBytes: Uint8Array | string, signature: string, publicKeys: readonly string[]): boolean {
  const sig = Buffer.from(signature.trim(), 'base64url');
  if (sig.length !== 64) return false;
  return publicKeys.some((x) => {
    try {
      return verify(null, Buffer.from(manifestBytes), createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }), sig);
    } catch {
      return false;
    }
  });
}
