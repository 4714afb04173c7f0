/**
 * The intake's site watch against the real thing: the built site (with its
 * signed release manifest) served by the real Worker under wrangler dev.
 * Quiet for the release as built; an alert once the intake no longer holds
 * the key.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadReleaseSigningKey, releasePublicKey, sha256 } from '../../tools/dev/release-manifest.ts';
import { watchSiteOnce } from '../../intake/src/site-watch.ts';
import { oneWorkerForTheseTests } from './system-harness.ts';

const system = oneWorkerForTheseTests();

it('is quiet for the release as built, and alerts when the site publishes a key the intake does not hold', async () => {
  const manifest = await readFile(join(system.frozen().distDir, 'release-manifest.json'));
  const options = { siteUrl: system.worker().url, recipient: system.intake().recipient, knownReleases: [sha256(manifest)] };
  const result = await watchSiteOnce({ ...options, heldKids: [system.intake().key.kid] });
  expect(result.alerts).toEqual([]);
  expect(result.publishedKids).toEqual([system.intake().key.kid]);
  const stranger = await watchSiteOnce({ ...options, heldKids: [] });
  expect(stranger.alerts.map((alert) => alert.code)).toEqual(['key_not_held']);
  const unknown = await watchSiteOnce({ ...options, heldKids: [system.intake().key.kid], knownReleases: [] });
  expect(unknown.alerts.map((alert) => alert.code)).toEqual(['unknown_release']);
  // The build signed it with the (development) release key: pinned, the release is accepted by itself,
  // every contact and answer page and everything they load matching the manifest (N5).
  const releaseKeys = [releasePublicKey(await loadReleaseSigningKey({}))];
  const signed = await watchSiteOnce({ ...options, heldKids: [system.intake().key.kid], knownReleases: [], releaseKeys });
  expect(signed.alerts).toEqual([]);
  expect(signed.signed).toBe(true);
});
