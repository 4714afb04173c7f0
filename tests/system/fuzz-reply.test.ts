/**
 * Fuzzing the way back's endpoints (POST /api/reply, /lookup, /delete) on
 * the real Worker under wrangler dev; properties in tools/bench/fuzz-reply.ts.
 *
 * Replay a run: UTVAG_FUZZ_SEED=<seed> vitest run --project system tests/system/fuzz-reply.test.ts
 * More cases: npm run fuzz.
 */
import { test } from 'vitest';
import { fuzzReply } from '../../tools/bench/fuzz-reply.ts';
import { fuzzForgedWriteBacks } from '../../tools/bench/fuzz-write-back.ts';
import { startFuzzWorker } from '../../tools/bench/fuzz-run.ts';
import { expectNoFailures, fuzzCases, fuzzTarget, seed } from './fuzz-setup.ts';

const CASES = fuzzCases(300);
const worker = fuzzTarget('fuzz-reply', startFuzzWorker);

test(`the reply endpoints survive ${CASES} hostile requests (seed printed)`, async () => {
  const summary = await fuzzReply(worker(), { seed, cases: CASES, concurrency: 4 });
  expectNoFailures(summary);
});

test("forged follow-ups to /api/reply/write-back are all refused; the person's own is taken once (N3)", async () => {
  const summary = await fuzzForgedWriteBacks(worker(), { seed, cases: Math.min(CASES, 200), concurrency: 4 });
  expectNoFailures(summary);
});
