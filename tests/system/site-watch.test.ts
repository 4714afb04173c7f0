/**
 * The intake's site watch against the real thing: the built site (with its
 * signed release manifest) served by the real Worker under wrangler dev.
 * Quiet for the release as built; an alert once the intake no longer holds
 * the key.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadReleaseSigningKey, releasePublicKey, sha256 } from '../../tools/dev/release-manifest.ts';
import { watchSiteOnce } from '../../intake/src/site-watch.ts';
import {
  freePorts,
  freezeWorker,
  makeIntakeCopy,
  startWorker,
  stopAllChildren,
  type FrozenWorker,
  type IntakeCopy,
  type WorkerSystem,
} from './system-harness.ts';

let frozen: FrozenWorker;
let intake: IntakeCopy;
let worker: WorkerSystem;

beforeAll(async () => {
  frozen = await freezeWorker();
  intake = await makeIntakeCopy();
  const [sitePort, intakePort] = await freePorts(2);
  worker = await startWorker(intake, frozen, { sitePort: sitePort!, intakePort: intakePort! });
});

afterAll(async () => {
  await stopAllChildren();
  await frozen?.cleanup();
  await intake?.cleanup();
});

it('is quiet for the release as built, and alerts when the site publishes a key the intake does not hold', async () => {
  const manifest = await readFile(join(frozen.distDir, 'release-manifest.json'));
  const options = { siteUrl: worker.url, recipient: intake.recipient, knownReleases: [sha256(manifest)] };
  const result = await watchSiteOnce({ ...options, heldKids: [intake.key.kid] });
  expect(result.alerts).toEqual([]);
  expect(result.publishedKids).toEqual([intake.key.kid]);
  const stranger = await watchSiteOnce({ ...options, heldKids: [] });
  expect(stranger.alerts.map((alert) => alert.code)).toEqual(['key_not_held']);
  const unknown = await watchSiteOnce({ ...options, heldKids: [intake.key.kid], knownReleases: [] });
  expect(unknown.alerts.map((alert) => alert.code)).toEqual(['unknown_release']);
  // The build signed it with the (development) release key: pinned, the release is accepted by itself,
  // every contact and answer page and everything they load matching the manifest (N5).
  const releaseKeys = [releasePublicKey(await loadReleaseSigningKey({}))];
  const signed = await watchSiteOnce({ ...options, heldKids: [intake.key.kid], knownReleases: [], releaseKeys });
  expect(signed.alerts).toEqual([]);
  expect(signed.signed).toBe(true);
});
