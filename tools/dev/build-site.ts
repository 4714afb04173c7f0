/**
 * Builds the hosted inbox's files for the Worker (build-hosted-assets.ts)
 * and the static site into dist/ (Astro), then the search index, so
 * `npm start`, `npm test` and `npm run build` all produce the same site.
 *
 * Search: Pagefind indexes only elements marked `data-pagefind-body` (the
 * guidance article, the help-directory pages), one index per <html lang>,
 * offline, into dist/pagefind/. The site uses Pagefind's JavaScript API
 * only; its ready-made UI files (which set inline styles the CSP forbids)
 * are removed so nothing can load them by mistake.
 *
 * Another output folder (`outDir`, e.g. a test's temp dist built with its
 * own recipients file) leaves dist/ and the Worker's generated inbox files
 * alone (`hostedAssets: false`), so a running Worker is not disturbed.
 *
 * Run directly: `node tools/dev/build-site.ts`.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectEnv, run } from './run.ts';
import { loadReleaseSigningKey, writeReleaseManifest } from './release-manifest.ts';
import { localeCodes } from '../../protocol/locales.ts';
import { buildHostedAssets } from './build-hosted-assets.ts';

export const distDir = 'dist';
export const searchBundleDir = join(distDir, 'pagefind');

/** Pagefind output the site does not use: the default, modular and component UIs, and highlighting. */
const unusedSearchFiles = /^pagefind-(ui|modular-ui|component-ui|highlight)\.(js|css)$/;

export async function buildSearchIndex(extraEnv: Record<string, string> = {}, outDir = distDir): Promise<number> {
  const code = await run('pagefind', ['--site', outDir, '--quiet'], { env: projectEnv(extraEnv) });
  if (code !== 0) return code;
  const bundle = outDir === distDir ? searchBundleDir : join(outDir, 'pagefind');
  for (const name of await readdir(bundle)) {
    if (unusedSearchFiles.test(name)) await rm(join(bundle, name));
  }
  return 0;
}

export interface BuildOptions {
  /** The output folder (default dist/). */
  outDir?: string;
  /** Rebuild the hosted inbox's generated module first (default true). */
  hostedAssets?: boolean;
  /** Only warnings and errors on the terminal (a test's build). */
  quiet?: boolean;
}

export async function buildSite(extraEnv: Record<string, string> = {}, options: BuildOptions = {}): Promise<number> {
  const outDir = options.outDir ?? distDir;
  // The hosted team inbox's files go into the Worker with the site (build-hosted-assets.ts).
  if (options.hostedAssets !== false) await buildHostedAssets();
  const astro = await run('astro', ['build', ...(outDir === distDir ? [] : ['--outDir', outDir])], {
    env: projectEnv(extraEnv),
    stdio: options.quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  });
  if (astro !== 0) return astro;
  const search = await buildSearchIndex(extraEnv, outDir);
  if (search !== 0) return search;
  // Last, over the finished site: what the intakes' site watch compares against, signed.
  await writeReleaseManifest(outDir, localeCodes, await loadReleaseSigningKey({ ...process.env, ...extraEnv }));
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(await buildSite());
}
