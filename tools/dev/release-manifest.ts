/**
 * Writes the release manifest (protocol/release-manifest.ts) from a built
 * dist/ folder at build time, and signs it with the release key (review
 * N5): in development a key made once in `.dev-release/`, in production
 * the file UTVAG_RELEASE_SIGNING_KEY_FILE names (a production build
 * without it fails).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RELEASE_MANIFEST_PATH, RELEASE_SIGNATURE_PATH, watchedPages, type ReleaseManifest } from '../../protocol/release-manifest.ts';

/** Where the development release key lives (ignored by git). */
export const DEV_RELEASE_KEY_FILE = join('.dev-release', 'release.private.jwk.json');

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
  return sign(null, Buffer.from(manifestBytes), createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' })).toString(
    'base64url',
  );
}

/** Writes dist/release-manifest.json and its signature. */
export async function writeReleaseManifest(distDir: string, locales: readonly string[], signingKey: JsonWebKey): Promise<ReleaseManifest> {
  const manifest = await buildReleaseManifest(distDir, locales);
  const bytes = `${JSON.stringify(manifest, null, 2)}\n`;
  await writeFile(join(distDir, RELEASE_MANIFEST_PATH.slice(1)), bytes);
  await writeFile(join(distDir, RELEASE_SIGNATURE_PATH.slice(1)), `${signRelease(bytes, signingKey)}\n`);
  return manifest;
}
