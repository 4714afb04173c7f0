/**
 * The release manifest (review H1, first step): the shape of
 * dist/release-manifest.json, written at build time (tools/dev/release-manifest.ts), so a municipality's intake can check, from
 * its own network, that the site serves the key set and the contact page's
 * scripts of a release it knows (intake/src/site-watch.ts).
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
import * as z from 'zod';

export const RELEASE_MANIFEST_PATH = '/release-manifest.json';

export const releaseManifestSchema = z.strictObject({
  v: z.literal(1),
  keySet: z.string(),
  scripts: z.record(z.string().regex(/^\/_astro\/[\w.@-]+\.js$/), z.string()),
});
export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;
