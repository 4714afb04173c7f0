/**
 * The release manifest (review H1, N5): the shape of
 * dist/release-manifest.json and its signature dist/release-manifest.sig,
 * written at build time (tools/dev/release-manifest.ts), so a
 * municipality's intake can check, from its own network, that the pages
 * that run code on a person's secret, and everything they load, are a
 * signed release (intake/src/site-watch.ts).
 *
 *   {"v": 2,
 *    "keySet": "<base64url SHA-256 of /intake-keys.json as built (key-set.ts builtPartOf of the served set)>",
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
import * as z from 'zod';

export const RELEASE_MANIFEST_PATH = '/release-manifest.json';
export const RELEASE_SIGNATURE_PATH = '/release-manifest.sig';

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
