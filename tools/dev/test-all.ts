/**
 * `npm test`: every check, in the order that fails fastest. Each step is a
 * real tool (astro check, tsc, vitest in Node and in workerd, Playwright in
 * Chromium against the Worker under wrangler dev). Steps run in stages: the
 * steps of a stage run side by side (lint and the type check each keep one
 * core busy for most of a minute), and their output is printed whole, step by
 * step, as each ends. Stops after the first stage with a failing step; the
 * last line counts every test of every runner.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectEnv, run } from './run.ts';
import { buildSite } from './build-site.ts';
import { ensureDevIntake } from './dev-keys.ts';
import { chromiumExecutablePath } from './chromium.ts';
import { testIntakeDir } from './test-intake.ts';

/** Runs a command to completion; resolves with its exit code. */
type Exec = (command: string, args: string[], options?: SpawnOptions) => Promise<number>;

interface Step {
  name: string;
  /** Reads Astro's generated types (.astro/), which the build writes. */
  readsAstroTypes?: boolean;
  /** Runs the step's commands with `exec`: live output when the step runs alone, kept output beside others. */
  action: (exec: Exec) => Promise<number>;
}

/** An Exec that keeps the command's output (stdout and stderr, in order) in `output`, to print once the step ends. */
function keepOutput(output: string[]): Exec {
  return (command, args, options = {}) =>
    new Promise((resolve) => {
      const child = spawn(command, args, { env: projectEnv(), ...options, stdio: ['ignore', 'pipe', 'pipe'] });
      const keep = (chunk: Buffer) => output.push(chunk.toString());
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
      child.on('error', () => resolve(127));
    });
}

/** Test counts, read from each runner's JSON report, for the closing line. */
// Not under test-results/: Playwright empties that folder when it starts.
const reportDir = join('node_modules', '.cache', 'utvag-test-counts');
mkdirSync(reportDir, { recursive: true });
const counted: { file: string; kind: 'vitest' | 'playwright' }[] = [];

function vitest(exec: Exec, project: string, ...extra: string[]): Promise<number> {
  const file = join(reportDir, `vitest-${[project, ...extra].join('-').replace(/[^a-z0-9-]+/gi, '_')}.json`);
  rmSync(file, { force: true });
  counted.push({ file, kind: 'vitest' });
  return exec('vitest', ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`, ...extra]);
}

function playwright(exec: Exec): Promise<number> {
  const file = join(reportDir, 'playwright.json');
  rmSync(file, { force: true });
  counted.push({ file, kind: 'playwright' });
  return exec('playwright', ['test', '--reporter=list,json'], { env: projectEnv({ PLAYWRIGHT_JSON_OUTPUT_NAME: file }) });
}

interface PlaywrightSuite {
  title: string;
  specs?: { title: string; file: string; line: number; tests: { results: { duration: number }[] }[] }[];
  suites?: PlaywrightSuite[];
}

/** The slowest browser tests of the last run, from Playwright's JSON report: where the browser step's time goes. */
function slowestBrowserTests(count: number): string[] {
  const file = join(reportDir, 'playwright.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as { suites?: PlaywrightSuite[] };
  const tests: { name: string; ms: number }[] = [];
  const walk = (suite: PlaywrightSuite, titles: string[]) => {
    const path = suite.title && !suite.title.endsWith('.ts') ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      const ms = spec.tests.flatMap((t) => t.results).reduce((sum, r) => sum + r.duration, 0);
      tests.push({ name: `${spec.file}:${spec.line} › ${[...path, spec.title].join(' › ')}`, ms });
    }
    for (const child of suite.suites ?? []) walk(child, path);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  return tests
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map((t) => `${(t.ms / 1000).toFixed(1).padStart(7)} s  ${t.name}`);
}

function testCounts(): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const { file, kind } of counted) {
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (kind === 'vitest') {
      passed += Number(report.numPassedTests ?? 0);
      failed += Number(report.numFailedTests ?? 0);
    } else {
      const stats = (report.stats ?? {}) as Record<string, number>;
      passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
      failed += stats.unexpected ?? 0;
    }
  }
  return { passed, failed };
}

const build: Step = {
  // Built with the test intake's public key, so the browser tests can
  // decrypt what the form sends (the private key stays in an ignored folder).
  // First: it also writes Astro's generated types (.astro/) that lint and the
  // type check read, so they need no `astro sync` of their own beside it.
  name: 'build the site',
  action: async () => buildSite({ UTVAG_RECIPIENTS: (await ensureDevIntake(testIntakeDir)).recipientsFile }),
};

/** Each stage's steps run side by side; the stages run one after another. */
const stages: Step[][] = [
  [build],
  [
    // ESLint with type information, then Prettier's check (npm run format fixes that part).
    { name: 'lint (ESLint, Prettier)', readsAstroTypes: true, action: (exec) => exec('npm', ['run', '--silent', 'lint:synced']) },
    {
      name: 'type check (astro check, tsc for the Worker)',
      readsAstroTypes: true,
      action: (exec) => exec('npm', ['run', '--silent', 'typecheck:synced']),
    },
    {
      // Prints LIX per Swedish page and sentence length per page and locale,
      // then the translation status table; fails on a limit or a missing page.
      name: 'content checks (plain language, translations)',
      action: async (exec) =>
        (await exec('node', ['src/guidance/check-content.ts'])) || exec('node', ['src/guidance/translation-status.ts']),
    },
    {
      // Every page of the sitemap, from dist/ in Node: what the HTML alone
      // shows (lang, dir, landmarks, links, inline code, numbers, markup).
      name: 'built pages (Node, every page in dist/)',
      action: (exec) => vitest(exec, 'system', 'tests/site'),
    },
  ],
  [{ name: 'unit and intake tests (Node)', action: (exec) => vitest(exec, 'unit') }],
  [{ name: 'Worker tests (workerd)', action: (exec) => vitest(exec, 'worker') }],
  [{ name: 'inbox tests in a Durable Object (workerd)', action: (exec) => vitest(exec, 'inbox-durable') }],
  [{ name: 'system tests (Worker under wrangler dev, queue, intake)', action: (exec) => vitest(exec, 'system', 'tests/system') }],
  [
    {
      name: 'browser tests (Chromium)',
      action: async (exec) => {
        // No Debian Chromium and no CHROMIUM_PATH: use Playwright's own
        // browser, where this machine may download it.
        if (!chromiumExecutablePath()) {
          const code = await exec('playwright', ['install', 'chromium']);
          if (code !== 0) return code;
        }
        const code = await playwright(exec);
        const slowest = slowestBrowserTests(10);
        if (slowest.length > 0) console.log(`\nslowest browser tests:\n${slowest.join('\n')}`);
        return code;
      },
    },
  ],
];

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/** Runs one step; `exec` decides whether its output is live or kept. Prints its result line. */
async function runStep(step: Step, exec: Exec, header: () => void): Promise<boolean> {
  const started = Date.now();
  const code = await step.action(exec);
  header();
  if (code === 0) console.log(`=== ok: ${step.name} (${seconds(started)} s)`);
  else console.log(`=== FAILED: ${step.name} (exit ${code}, ${seconds(started)} s)`);
  return code === 0;
}

const only = process.argv.slice(2);
let passed = 0;
let failed = 0;
let typesWritten = false;
for (const stage of stages) {
  const chosen = stage.filter((step) => only.length === 0 || only.some((word) => step.name.includes(word)));
  if (chosen.length === 0) continue;
  if (chosen.some((step) => step.readsAstroTypes) && !typesWritten) {
    // The build is not part of this run: write the types once, before the steps that read them.
    if ((await run('astro', ['sync'])) !== 0) {
      failed++;
      break;
    }
  }
  typesWritten ||= chosen.includes(build);
  let results: boolean[];
  if (chosen.length === 1) {
    const step = chosen[0]!;
    console.log(`\n=== ${step.name}`);
    results = [await runStep(step, run, () => {})];
  } else {
    const started = Date.now();
    console.log(`\n=== side by side: ${chosen.map((step) => step.name).join('; ')}`);
    results = await Promise.all(
      chosen.map((step) => {
        const output: string[] = [];
        // Printed whole when the step ends, so the steps' lines never mix.
        return runStep(step, keepOutput(output), () => process.stdout.write(`\n=== ${step.name}\n${output.join('')}`));
      }),
    );
    console.log(`=== side by side: ${seconds(started)} s`);
  }
  passed += results.filter(Boolean).length;
  failed += results.filter((ok) => !ok).length;
  if (failed > 0) break;
}
const tests = testCounts();
console.log(`\nsteps: ${passed} passed, ${failed} failed`);
// The closing line CI reads: every test of every runner.
console.log(`tests: ${tests.passed} passed, ${tests.failed} failed`);
process.exit(failed === 0 ? 0 : 1);
