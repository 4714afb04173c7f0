/**
 * `npm test`: every check, in the order that fails fastest. Each step is a
 * real tool (astro check, tsc, vitest in Node and in workerd, Playwright in
 * Chromium against the Worker under wrangler dev). Stops at the first
 * failing step; the last line counts every test of every runner.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectEnv, run } from './run.ts';
import { buildSite } from './build-site.ts';
import { ensureDevIntake } from './dev-keys.ts';
import { chromiumExecutablePath } from './chromium.ts';
import { testIntakeDir } from './test-intake.ts';

interface Step {
  name: string;
  action: () => Promise<number>;
}

/** Test counts, read from each runner's JSON report, for the closing line. */
// Not under test-results/: Playwright empties that folder when it starts.
const reportDir = join('node_modules', '.cache', 'utvag-test-counts');
mkdirSync(reportDir, { recursive: true });
const counted: { file: string; kind: 'vitest' | 'playwright' }[] = [];

function vitest(project: string, ...extra: string[]): Promise<number> {
  const file = join(reportDir, `vitest-${[project, ...extra].join('-').replace(/[^a-z0-9-]+/gi, '_')}.json`);
  rmSync(file, { force: true });
  counted.push({ file, kind: 'vitest' });
  return run('vitest', ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`, ...extra]);
}

function playwright(): Promise<number> {
  const file = join(reportDir, 'playwright.json');
  rmSync(file, { force: true });
  counted.push({ file, kind: 'playwright' });
  return run('playwright', ['test', '--reporter=list,json'], { env: projectEnv({ PLAYWRIGHT_JSON_OUTPUT_NAME: file }) });
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

const steps: Step[] = [
  // First: it fails in seconds, before the slow build. ESLint with type
  // information, then Prettier's check (npm run format fixes that part).
  { name: 'lint (ESLint, Prettier)', action: () => run('npm', ['run', '--silent', 'lint']) },
  {
    // Built with the test intake's public key, so the browser tests can
    // decrypt what the form sends (the private key stays in an ignored folder).
    name: 'build the site',
    action: async () => buildSite({ UTVAG_RECIPIENTS: (await ensureDevIntake(testIntakeDir)).recipientsFile }),
  },
  { name: 'type check (astro check, tsc for the Worker)', action: () => run('npm', ['run', '--silent', 'typecheck']) },
  {
    // Prints LIX per Swedish page and sentence length per page and locale,
    // then the translation status table; fails on a limit or a missing page.
    name: 'content checks (plain language, translations)',
    action: async () => (await run('node', ['src/guidance/check-content.ts'])) || run('node', ['src/guidance/translation-status.ts']),
  },
  {
    // Every page of the sitemap, from dist/ in Node: what the HTML alone
    // shows (lang, dir, landmarks, links, inline code, numbers, markup).
    name: 'built pages (Node, every page in dist/)',
    action: () => vitest('system', 'tests/site'),
  },
  { name: 'unit and intake tests (Node)', action: () => vitest('unit') },
  { name: 'Worker tests (workerd)', action: () => vitest('worker') },
  { name: 'inbox tests in a Durable Object (workerd)', action: () => vitest('inbox-durable') },
  { name: 'system tests (Worker under wrangler dev, queue, intake)', action: () => vitest('system', 'tests/system') },
  {
    name: 'browser tests (Chromium)',
    action: async () => {
      // No Debian Chromium and no CHROMIUM_PATH: use Playwright's own
      // browser, where this machine may download it.
      if (!chromiumExecutablePath()) {
        const code = await run('playwright', ['install', 'chromium']);
        if (code !== 0) return code;
      }
      const code = await playwright();
      const slowest = slowestBrowserTests(10);
      if (slowest.length > 0) console.log(`\nslowest browser tests:\n${slowest.join('\n')}`);
      return code;
    },
  },
];

const only = process.argv.slice(2);
let passed = 0;
let failed = 0;
for (const step of steps) {
  if (only.length > 0 && !only.some((word) => step.name.includes(word))) continue;
  console.log(`\n=== ${step.name}`);
  const started = Date.now();
  const code = await step.action();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code === 0) {
    passed++;
    console.log(`=== ok: ${step.name} (${seconds} s)`);
  } else {
    failed++;
    console.log(`=== FAILED: ${step.name} (exit ${code}, ${seconds} s)`);
    break;
  }
}
const tests = testCounts();
console.log(`\nsteps: ${passed} passed, ${failed} failed`);
// The closing line CI reads: every test of every runner.
console.log(`tests: ${tests.passed} passed, ${tests.failed} failed`);
process.exit(failed === 0 ? 0 : 1);
