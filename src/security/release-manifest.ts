/**
 * The release manifest (review H1, first step): written at build time to
 * dist/release-manifest.json, so a municipality's intake can check, from
 * its own network, that the site serves the key set and the contact page's
 * scripts of a release it knows (src/intake/site-watch.ts).
 *
 *   {"v": 1,
 *    "keySet": "<base64url SHA-256 of /intake-keys.json as served>",
 *    "scripts": {"/_astro/<name>.js": "<base64url SHA-256>", …}}
 *
 * `scripts` holds every JavaScript file the build wrote under /_astro/. The
 * manifest is not signed: it is what the site claims. What makes it useful
 * is that the intake remembers which manifests it has accepted and alerts
 * on any other (a release it does not know), and checks that what is
 * served matches the manifest.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

export const RELEASE_MANIFEST_PATH = '/release-manifest.json';

export const releaseManifestSchema = z.strictObject({
  v: z.literal(1),
  keySet: z.string(),
  scripts: z.record(z.string().regex(/^\/_astro\/[\w.@-]+\.js$/), z.string()),
});
export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;

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
