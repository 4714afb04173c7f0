/**
 * Vitest global setup of the Worker tests: the hosted inbox's files as the
 * Worker's module (tools/dev/build-hosted-assets.ts), which the Vitest
 * integration bundles but does not build (it runs no wrangler custom
 * build). In a Node process of its own: Vite's module runner here has no
 * import.meta.resolve.
 */
import { run } from '../dev/run.ts';

export default async function setup(): Promise<void> {
  const code = await run('node', ['tools/dev/build-hosted-assets.ts']);
  if (code !== 0) throw new Error(`tools/dev/build-hosted-assets.ts failed (exit ${code})`);
}
