/**
 * `npm run bench -- hosted`: 290 hosted development recipients (one per
 * municipality), 20 requests each, through the Worker under wrangler dev
 * and its local queue into their own Durable Objects (tools/dev/hosted-load.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHostedAssets } from '../dev/build-hosted-assets.ts';
import { runHostedLoad } from '../dev/hosted-load.ts';
import { writeConfigWithServiceLimit } from '../dev/wrangler-config.ts';

export interface HostedBenchResult {
  recipients: number;
  perRecipient: number;
  stored: number;
  misplaced: number;
  refused: number;
  complete: boolean;
  setupSeconds: number;
  deliverSeconds: number;
  perSecond: number;
  peakRssMiB: number;
}

export async function benchHosted(
  recipients = 290,
  perRecipient = 20,
  log: (line: string) => void = () => undefined,
): Promise<HostedBenchResult> {
  const root = await mkdtemp(join(tmpdir(), 'utvag-bench-hosted-'));
  try {
    await buildHostedAssets();
    // The shared limits raised for one burst; the per-sender one as deployed (each post has its own address).
    const config = await writeConfigWithServiceLimit(root, 1_000_000);
    const result = await runHostedLoad({ recipients, perRecipient, root, sitePort: 8870, wranglerConfig: config, timeoutMs: 900_000, log });
    const objects = [...result.stored.values()];
    const stored = objects.reduce((sum, o) => sum + o.kids.length, 0);
    return {
      recipients,
      perRecipient,
      stored,
      misplaced: objects.reduce((sum, o) => sum + o.kids.filter((kid) => kid !== o.expectedKid).length, 0),
      refused: result.refused,
      complete: result.complete,
      setupSeconds: Number(result.setupSeconds.toFixed(1)),
      deliverSeconds: Number(result.deliverSeconds.toFixed(1)),
      perSecond: Number((stored / result.deliverSeconds).toFixed(1)),
      peakRssMiB: result.peakRssMiB,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
