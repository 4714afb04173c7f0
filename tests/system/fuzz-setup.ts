/**
 * What the fuzz tests share: one seed a file (printed, so a failing run can
 * be replayed with UTVAG_FUZZ_SEED=<seed>), the number of cases
 * (UTVAG_FUZZ_CASES), the system under test started once a file, and the
 * check of a run.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { newSeed } from '../../tools/bench/fuzz-cases.ts';
import { describeSummary, type RunSummary } from '../../tools/bench/fuzz-run.ts';

export const seed = process.env.UTVAG_FUZZ_SEED ? Number(process.env.UTVAG_FUZZ_SEED) : newSeed();

export function fuzzCases(fallback: number): number {
  return Number(process.env.UTVAG_FUZZ_CASES ?? fallback);
}

/** Starts what the file fuzzes before its tests (printing the seed) and stops it after. */
export function fuzzTarget<T extends { stop(): Promise<void> }>(name: string, start: () => Promise<T>): () => T {
  let target: T | undefined;
  beforeAll(async () => {
    console.log(`${name}: seed ${seed} (replay with UTVAG_FUZZ_SEED=${seed})`);
    target = await start();
  });
  afterAll(async () => {
    await target?.stop();
  });
  return () => target!;
}

/** Prints the run and fails on any case that broke a property, naming the seed. */
export function expectNoFailures(summary: RunSummary): void {
  console.log(describeSummary(summary));
  expect(summary.failures, `seed ${seed}`).toEqual([]);
}
