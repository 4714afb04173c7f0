/**
 * Fuzzing the way back's endpoints (POST /api/reply, /lookup, /delete) on
 * the real Worker under wrangler dev; properties in tools/bench/fuzz-reply.ts.
 *
 * Replay a run: UTVAG_FUZZ_SEED=<seed> vitest run --project system tests/system/fuzz-reply.test.ts
 * More cases: npm run fuzz.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { newSeed } from '../../tools/bench/fuzz-cases.ts';
import { fuzzReply } from '../../tools/bench/fuzz-reply.ts';
import { fuzzForgedWriteBacks } from '../../tools/bench/fuzz-write-back.ts';
import { describeSummary, startFuzzWorker, type FuzzWorker } from '../../tools/bench/fuzz-run.ts';

const CASES = Number(process.env.UTVAG_FUZZ_CASES ?? 300);
const seed = process.env.UTVAG_FUZZ_SEED ? Number(process.env.UTVAG_FUZZ_SEED) : newSeed();

let worker: FuzzWorker;
beforeAll(async () => {
  worker = await startFuzzWorker();
});
afterAll(async () => {
  await worker?.stop();
});

test(`the reply endpoints survive ${CASES} hostile requests (seed printed)`, async () => {
  console.log(`fuzz-reply: seed ${seed} (replay with UTVAG_FUZZ_SEED=${seed})`);
  const summary = await fuzzReply(worker, { seed, cases: CASES, concurrency: 4 });
  console.log(describeSummary(summary));
  expect(summary.failures, `seed ${seed}`).toEqual([]);
});

test("forged follow-ups to /api/reply/write-back are all refused; the person's own is taken once (N3)", async () => {
  const summary = await fuzzForgedWriteBacks(worker, { seed, cases: Math.min(CASES, 200), concurrency: 4 });
  console.log(describeSummary(summary));
  expect(summary.failures, `seed ${seed}`).toEqual([]);
});
