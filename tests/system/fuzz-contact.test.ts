/**
 * Fuzzing POST /api/contact on the real Worker under wrangler dev (its own
 * free ports, a temporary state folder, the intake receiver on a temporary
 * copy of the test intake): a bounded, seeded run of hostile inputs from
 * tools/bench/fuzz-cases.ts. Properties (tools/bench/fuzz-run.ts): never a 5xx
 * but the documented 503s, never a hang, always a JSON error body with a
 * documented code (the no-JS form path: its form page with a documented
 * status), and nothing put on the queue — the receiver's inbox and
 * quarantine stay empty, and a control envelope sent afterwards arrives.
 *
 * Replay a run: UTVAG_FUZZ_SEED=<seed> vitest run --project system tests/system/fuzz-contact.test.ts
 * More cases: npm run fuzz.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { newSeed } from '../../tools/bench/fuzz-cases.ts';
import { describeSummary, fuzzContact, startFuzzWorker, type FuzzWorker } from '../../tools/bench/fuzz-run.ts';
import { fuzzFlood } from '../../tools/bench/fuzz-flood.ts';

const CASES = Number(process.env.UTVAG_FUZZ_CASES ?? 300);
const seed = process.env.UTVAG_FUZZ_SEED ? Number(process.env.UTVAG_FUZZ_SEED) : newSeed();

let worker: FuzzWorker;
beforeAll(async () => {
  worker = await startFuzzWorker();
});
afterAll(async () => {
  await worker?.stop();
});

test(`POST /api/contact survives ${CASES} hostile requests (seed printed)`, async () => {
  console.log(`fuzz-contact: seed ${seed} (replay with UTVAG_FUZZ_SEED=${seed})`);
  const summary = await fuzzContact(worker, { seed, cases: CASES, concurrency: 4 });
  console.log(describeSummary(summary));
  expect(summary.failures, `seed ${seed}`).toEqual([]);
});

test('a flood of one envelope from four prefixes locks nobody out, and the replays are dropped (N1)', async () => {
  const summary = await fuzzFlood(worker, { seed, cases: Math.min(CASES, 300), concurrency: 4 });
  console.log(describeSummary(summary));
  expect(summary.failures, `seed ${seed}`).toEqual([]);
  expect(summary.outcomes['429'] ?? 0, 'the flooders reached their own limits').toBeGreaterThan(0);
});
