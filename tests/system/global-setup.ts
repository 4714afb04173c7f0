/**
 * Once per run of the system project: a folder where the first test file
 * that needs the frozen Worker (system-harness.ts freezeWorker) snapshots
 * dist/ and bundles the Worker, and where every later file finds them, so
 * the Worker is bundled once per run, not once per file. Nothing is made
 * here: a run of only tests/site/ bundles nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    frozenWorkerRoot: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'utvag-system-frozen-'));
  project.provide('frozenWorkerRoot', root);
  return () => rm(root, { recursive: true, force: true });
}
