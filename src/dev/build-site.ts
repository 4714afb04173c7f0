/**
 * Builds the static site into dist/ (Astro), then the search index, so
 * `npm start`, `npm test` and `npm run build` all produce the same site.
 */
import { projectEnv, run } from './run.ts';

export async function buildSite(extraEnv: Record<string, string> = {}): Promise<number> {
  return run('astro', ['build'], { env: projectEnv(extraEnv) });
}
