/**
 * Hosted inboxes through the real Worker and its local queue (issue 20):
 * N development recipients, each in its own Durable Object, M requests
 * each posted to /api/contact; every request is stored once, in its own
 * recipient's object, and none in another's (tools/dev/hosted-load.ts,
 * which `npm run bench -- hosted` runs at 290 × 20). A few here:
 * UTVAG_HOSTED_RECIPIENTS and UTVAG_HOSTED_REQUESTS set more.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runHostedLoad } from '../../tools/dev/hosted-load.ts';
import { freePorts, freezeWorker, stopAllChildren } from './system-harness.ts';

const recipients = Number(process.env['UTVAG_HOSTED_RECIPIENTS'] ?? 4);
const perRecipient = Number(process.env['UTVAG_HOSTED_REQUESTS'] ?? 3);

afterEach(stopAllChildren);

describe('hosted inboxes under the local queue', () => {
  it(`stores each of ${recipients} × ${perRecipient} requests once, in its own recipient's object only`, async () => {
    const root = await mkdtemp(join(tmpdir(), 'utvag-system-hosted-'));
    // The per-sender limit stays; the shared ones (and the statement uploads) are raised for one burst.
    const frozen = await freezeWorker({ serviceLimitPerMinute: 100_000 });
    try {
      const [sitePort] = await freePorts(2);
      const result = await runHostedLoad({ recipients, perRecipient, root, sitePort: sitePort!, wranglerConfig: frozen.configPath });
      expect(result.refused).toBe(0);
      expect([...result.stored.keys()]).toHaveLength(recipients);
      for (const [, { kids, expectedKid }] of result.stored) {
        expect(kids).toHaveLength(perRecipient);
        expect(new Set(kids)).toEqual(new Set([expectedKid]));
      }
      expect(result.complete).toBe(true);
    } finally {
      await frozen.cleanup();
      await rm(root, { recursive: true, force: true });
    }
  });
});
