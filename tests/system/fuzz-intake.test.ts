/**
 * Fuzzing the municipal intake: the push receiver `intake serve` runs
 * (createPushApp on its own listener, in this process on a free port, a
 * fresh key and store) with unsigned, wrongly signed, stale and validly
 * signed garbage, and openEnvelope / the store's receive with garbage
 * envelopes directly. Properties (tools/bench/fuzz-run.ts): every answer
 * documented, never "stored", never a 500, only EnvelopeError thrown,
 * nothing stored as a request, and quarantine written only for validly
 * signed deliveries (one row per distinct body).
 *
 * Replay a run: UTVAG_FUZZ_SEED=<seed> vitest run --project system tests/system/fuzz-intake.test.ts
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { newSeed } from '../../tools/bench/fuzz-cases.ts';
import { describeSummary, fuzzIntakeServe, fuzzOpenAndStore, startFuzzIntake, type FuzzIntake } from '../../tools/bench/fuzz-run.ts';

const CASES = Number(process.env.UTVAG_FUZZ_CASES ?? 1500);
const seed = process.env.UTVAG_FUZZ_SEED ? Number(process.env.UTVAG_FUZZ_SEED) : newSeed();

let intake: FuzzIntake;
beforeAll(async () => {
  intake = await startFuzzIntake();
  console.log(`fuzz-intake: seed ${seed} (replay with UTVAG_FUZZ_SEED=${seed})`);
});
afterAll(async () => {
  await intake?.stop();
});

test(`intake serve answers ${CASES} hostile deliveries as documented`, async () => {
  const summary = await fuzzIntakeServe(intake, { seed, cases: CASES, concurrency: 4 });
  console.log(describeSummary(summary));
  expect(summary.failures, `seed ${seed}`).toEqual([]);
});

test(`openEnvelope and the store refuse ${CASES} garbage envelopes without storing a request`, async () => {
  const summary = await fuzzOpenAndStore(intake, { seed, cases: CASES });
  console.log(describeSummary(summary));
  expect(summary.failures, `seed ${seed}`).toEqual([]);
});
