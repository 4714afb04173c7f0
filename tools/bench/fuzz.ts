/**
 * `npm run fuzz` (node tools/bench/fuzz.ts [cases] [seed]): the long run of
 * the fuzzing in tests/system/fuzz-*.test.ts — 10,000 cases (or more)
 * against POST /api/contact on the Worker under wrangler dev, a flood of one
 * envelope from four prefixes (up to 2,000 posts; a fifth sender must still
 * get through, tools/bench/fuzz-flood.ts), forged follow-ups to
 * POST /api/reply/write-back (up to 2,000, tools/bench/fuzz-write-back.ts),
 * and the same
 * number against the reply endpoints (POST /api/reply, /lookup, /delete),
 * the intake's push receiver (as `intake serve` runs it) and against
 * openEnvelope / the store's receive. Prints the seed, the count and every failure; exits 1 on
 * any failure. Replay: node tools/bench/fuzz.ts <cases> <seed>.
 *
 * Needs dist/ built with the test intake's key (npm test builds it).
 */
import { newSeed } from './fuzz-cases.ts';
import { fuzzReply } from './fuzz-reply.ts';
import { fuzzFlood } from './fuzz-flood.ts';
import { fuzzForgedWriteBacks } from './fuzz-write-back.ts';
import {
  describeSummary,
  fuzzContact,
  fuzzIntakeServe,
  fuzzOpenAndStore,
  startFuzzIntake,
  startFuzzWorker,
  type RunSummary,
} from './fuzz-run.ts';

const cases = Math.max(1, Number(process.argv[2] ?? process.env.UTVAG_FUZZ_CASES ?? 10_000));
const seed = process.argv[3] ? Number(process.argv[3]) : process.env.UTVAG_FUZZ_SEED ? Number(process.env.UTVAG_FUZZ_SEED) : newSeed();
console.log(`fuzz: ${cases} cases per target, seed ${seed} (replay: node tools/bench/fuzz.ts ${cases} ${seed})`);

const summaries: RunSummary[] = [];
const worker = await startFuzzWorker();
try {
  summaries.push(
    await fuzzContact(worker, { seed, cases, concurrency: 4, onProgress: (done) => console.log(`  contact: ${done}/${cases}`) }),
  );
  console.log(describeSummary(summaries.at(-1)!));
  summaries.push(await fuzzFlood(worker, { seed, cases: Math.min(cases, 2000), concurrency: 4 }));
  console.log(describeSummary(summaries.at(-1)!));
  summaries.push(await fuzzForgedWriteBacks(worker, { seed, cases: Math.min(cases, 2000), concurrency: 4 }));
  console.log(describeSummary(summaries.at(-1)!));
  summaries.push(await fuzzReply(worker, { seed, cases, concurrency: 4 }));
  console.log(describeSummary(summaries.at(-1)!));
} finally {
  await worker.stop();
}
const intake = await startFuzzIntake();
try {
  summaries.push(await fuzzIntakeServe(intake, { seed, cases, concurrency: 4 }));
  console.log(describeSummary(summaries.at(-1)!));
  summaries.push(await fuzzOpenAndStore(intake, { seed, cases }));
  console.log(describeSummary(summaries.at(-1)!));
} finally {
  await intake.stop();
}
const failures = summaries.reduce((s, x) => s + x.failures.length, 0);
const total = summaries.reduce((s, x) => s + x.cases, 0);
console.log(`\nfuzz: ${total} cases in all, ${failures} failure(s), seed ${seed}`);
process.exit(failures === 0 ? 0 : 1);
