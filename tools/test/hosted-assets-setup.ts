/**
 * Vitest global setup of the Worker tests: the hosted inbox's files as the
 * Worker's module (build-hosted-assets.ts), which the Vitest integration
 * bundles but does not build (it runs no wrangler custom build).
 */
import { buildHostedAssets } from '../dev/build-hosted-assets.ts';

export default async function setup(): Promise<void> {
  await buildHostedAssets();
}
