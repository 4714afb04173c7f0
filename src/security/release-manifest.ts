/**
 * The release manifest (review H1, N5): written at build time to
 * dist/release-manifest.json and signed by the project's release key into
 * dist/release-manifest.sig, so a municipality's intake can check, from its
 * own network, that the pages that run code on a person's secret, and
 * everything they load, are a signed release (src/intake/site-watch.ts).
 *
 *   {"v": 2,
 *    "keySet": "<base64url SHA-256 of /intake-keys.json as served>",
 *    "pages":  {"/sv/kontakt/": "<base64url SHA-256 of the HTML>", "/sv/svar/": …, every locale},
 *    "files":  {"/_astro/<name>.js": "<base64url SHA-256>", "/_astro/<name>.css": …}}
 *
 *   release-manifest.sig = base64url(Ed25519(release key, the manifest's bytes as served))
 *
 * `pages` holds the exact HTML of every watched page (build output is
 * deterministic), so an added script, an inline one, or a changed form is
 * a different page. `files` holds every script and style the build wrote
 * under /_astro/.
 *
 * The release key (Ed25519): in development a key made once in the ignored
 * folder `.dev-release/`; in production the project's own key, kept offline
 * by the release manager and given to the build as a file
 * (UTVAG_RELEASE_SIGNING_KEY_FILE; a production build without it fails).
 * Intakes pin its public key (UTVAG_RELEASE_PUBLIC_KEYS) and then accept a
 * signed release by themselves: only an unsigned or wrongly signed change
 * alerts (README, Security).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

export const RELEASE_MANIFEST_PATH = '/release-manifest.json';
export const RELEASE_SIGNATURE_PATH = '/release-manifest.sig';
/** Where the development release key lives (ignored by git). */
export const DEV_RELEASE_KEY_FILE = join('.dev-release', 'release.private.jwk.json');

/** The pages that run code on a person's secret, in every locale. */
export function watchedPages(locales: readonly string[]): string[] {
  return locales.flatMap((locale) => [`/${locale}/kontakt/`, `/${locale}/svar/`]);
}

const sitePath = z.string().regex(/^\/[\w./@-]*$/);
export const releaseManifestSchema = z.strictObject({
  v: z.literal(2),
  keySet: z.string(),
  pages: z.record(sitePath, z.string()),
  files: z.record(z.string().regex(/^\/_astro\/[\w.@-]+\.(js|css)$/), z.string()),
});
export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;

/** base64url SHA-256 of bytes or text (UTF-8). */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url');
}

/** The file a page path is built to: /sv/kontakt/ → dist/sv/kontakt/index.html. */
function pageFile(distDir: string, path: string): string {
  return join(distDir, ...path.split('/').filter(Boolean), 'index.html');
}

/** Builds the manifest from a built dist/ folder. */
export async function buildReleaseManifest(distDir: string, locales: readonly string[]): Promise<ReleaseManifest> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(join(distDir, '_astro'))).filter((n) => /\.(js|css)$/.test(n)).sort()) {
    files[`/_astro/${name}`] = sha256(await readFile(join(distDir, '_astro', name)));
  }
  const pages: Record<string, string> = {};
  for (const path of watchedPages(locales)) pages[path] = sha256(await readFile(pageFile(distDir, path)));
  return { v: 2, keySet: sha256(await readFile(join(distDir, 'intake-keys.json'))), pages, files };
}

/** The release signing key: the given file, or in development the key in .dev-release/ (made once). */
export async function loadReleaseSigningKey(env: NodeJS.ProcessEnv = process.env): Promise<JsonWebKey> {
  const file = env['UTVAG_RELEASE_SIGNING_KEY_FILE'];
  if (file) return JSON.parse(await readFile(file, 'utf8')) as JsonWebKey;
  if (env['UTVAG_PRODUCTION'] === '1') {
    throw new Error('a production build is signed with the release key: set UTVAG_RELEASE_SIGNING_KEY_FILE (README, Security)');
  }
  try {
    return JSON.parse(await readFile(DEV_RELEASE_KEY_FILE, 'utf8')) as JsonWebKey;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  await mkdir('.dev-release', { recursive: true, mode: 0o700 });
  await writeFile(DEV_RELEASE_KEY_FILE, `${JSON.stringify(jwk)}\n`, { mode: 0o600 });
  return jwk;
}

/** base64url of the raw 32-byte public key of a release signing key (what intakes pin). */
export function releasePublicKey(jwk: JsonWebKey): string {
  return createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }).export({ format: 'jwk' }).x!;
}

export function signRelease(manifestBytes: Uint8Array | string, jwk: JsonWebKey): string {
  return sign(null, Buffer.from(manifestBytes), createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' })).toString('base64url');
}

/** True when `signature` is a release key's signature of exactly these manifest bytes. */
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

/** Writes dist/release-manifest.json and its signature. */
export async function writeReleaseManifest(distDir: string, locales: readonly string[], signingKey: JsonWebKey): Promise<ReleaseManifest> {
  const manifest = await buildReleaseManifest(distDir, locales);
  const bytes = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(join(distDir, RELEASE_MANIFEST_PATH.slice(1)), bytes);
  await writeFile(join(distDir, RELEASE_SIGNATURE_PATH.slice(1)), `${signRelease(bytes, signingKey)}\n`);
  return manifest;
}
