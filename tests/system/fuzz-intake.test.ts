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
import { test } from 'vitest';
import { fuzzIntakeServe, fuzzOpenAndStore, startFuzzIntake } from '../../tools/bench/fuzz-run.ts';
import { expectNoFailures, fuzzCases, fuzzTarget, seed } from './fuzz-setup.ts';

const CASES = fuzzCases(1500);
const intake = fuzzTarget('fuzz-intake', startFuzzIntake);

test(`intake serve answers ${CASES} hostile deliveries as documented`, async () => {
  const summary = await fuzzIntakeServe(intake(), { seed, cases: CASES, concurrency: 4 });
  expectNoFailures(summary);
});

test(`openEnvelope and the store refuse ${CASES} garbage envelopes without storing a request`, async () => {
  const summary = await fuzzOpenAndStore(intake(), { seed, cases: CASES });
  expectNoFailures(summary);
});
