/**
 * The inbox's browser app (intake/src/browser/main.ts) as one minified ESM
 * file, /assets/inbox-app.js. The intake bundle ships it prebuilt
 * (tools/dev/bundle-intake.ts writes inbox-assets/inbox-app.js); from
 * source, the intake builds it with esbuild on the first request and keeps
 * it in memory. esbuild is a development tool, so it is loaded by a name
 * the bundler does not follow: the bundle never contains or needs it.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'browser', 'main.ts');

/** The one esbuild call used here (its types come with esbuild, which the intake does not declare). */
type EsbuildBuild = (options: Record<string, unknown>) => Promise<{ outputFiles: { text: string }[] }>;

/** esbuild's options for a browser bundle of the inbox app, or of a page made from its modules (the bench). */
export const BROWSER_BUNDLE_OPTIONS = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  write: false,
  legalComments: 'none',
  logLevel: 'warning',
} as const;

export async function buildInboxApp(): Promise<string> {
  const esbuildName = 'esbuild';
  const { build } = (await import(esbuildName)) as { build: EsbuildBuild };
  const result = await build({ entryPoints: [entry], ...BROWSER_BUNDLE_OPTIONS });
  return result.outputFiles[0]!.text;
}
