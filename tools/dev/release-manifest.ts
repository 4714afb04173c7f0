/**
 * Writes the release manifest (protocol/release-manifest.ts) from a built
 * dist/ folder, at build time.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RELEASE_MANIFEST_PATH, type ReleaseManifest } from '../../protocol/release-manifest.ts';

/** base64url SHA-256 of bytes or text (UTF-8). */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('base64url');
}

/** Builds the manifest from a built dist/ folder. */
export async function buildReleaseManifest(distDir: string): Promise<ReleaseManifest> {
  const scripts: Record<string, string> = {};
  for (const name of (await readdir(join(distDir, '_astro'))).filter((n) => n.endsWith('.js')).sort()) {
    scripts[`/_astro/${name}`] = sha256(await readFile(join(distDir, '_astro', name)));
  }
  return { v: 1, keySet: sha256(await readFile(join(distDir, 'intake-keys.json'))), scripts };
}

export async function writeReleaseManifest(distDir: string): Promise<ReleaseManifest> {
  const manifest = await buildReleaseManifest(distDir);
  await writeFile(join(distDir, RELEASE_MANIFEST_PATH.slice(1)), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
