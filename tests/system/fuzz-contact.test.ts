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
import { expect, test } from 'vitest';
import { fuzzContact, startFuzzWorker } from '../../tools/bench/fuzz-run.ts';
import { expectNoFailures, fuzzCases, fuzzTarget, seed } from './fuzz-setup.ts';
import { fuzzFlood } from '../../tools/bench/fuzz-flood.ts';

const CASES = fuzzCases(300);
const worker = fuzzTarget('fuzz-contact', startFuzzWorker);

test(`POST /api/contact survives ${CASES} hostile requests (seed printed)`, async () => {
  const summary = await fuzzContact(worker(), { seed, cases: CASES, concurrency: 4 });
  expectNoFailures(summary);
});

test('a flood of one envelope from four prefixes locks nobody out, and the replays are dropped (N1)', async () => {
  const summary = await fuzzFlood(worker(), { seed, cases: Math.min(CASES, 300), concurrency: 4 });
  expectNoFailures(summary);
  expect(summary.outcomes['429'] ?? 0, 'the flooders reached their own limits').toBeGreaterThan(0);
});
