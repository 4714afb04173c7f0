/**
 * `npm test`: every check, in the order that fails fastest. Each step is a
 * real tool (astro check, tsc, vitest in Node and in workerd, Playwright in
 * Chromium against the Worker under wrangler dev). Stops at the first
 * failing step and prints a summary line.
 */
import { existsSync } from 'node:fs';
import { run } from './run.ts';
import { buildSite } from './build-site.ts';
import { ensureDevIntake } from './dev-keys.ts';
import { testIntakeDir } from './test-intake.ts';

interface Step {
  name: string;
  action: () => Promise<number>;
}

function hasBrowser(): boolean {
  return Boolean(process.env.CHROMIUM_PATH) || existsSync('/usr/bin/chromium');
}

const steps: Step[] = [
  {
    // Built with the test intake's public key, so the browser tests can
    // decrypt what the form sends (the private key stays in an ignored folder).
    name: 'build the site',
    action: async () => buildSite({ UTVAG_RECIPIENTS: (await ensureDevIntake(testIntakeDir)).recipientsFile }),
  },
  { name: 'type check (astro check, tsc for the Worker)', action: () => run('npm', ['run', '--silent', 'typecheck']) },
  { name: 'unit and intake tests (Node)', action: () => run('vitest', ['run', '--project', 'unit']) },
  { name: 'Worker tests (workerd)', action: () => run('vitest', ['run', '--project', 'worker']) },
  {
    name: 'system tests (Worker under wrangler dev, queue, intake)',
    action: () => run('vitest', ['run', '--project', 'system', '--passWithNoTests']),
  },
  {
    name: 'browser tests (Chromium)',
    action: async () => {
      // No Debian Chromium and no CHROMIUM_PATH: use Playwright's own
      // browser, where this machine may download it.
      if (!hasBrowser()) {
        const code = await run('playwright', ['install', 'chromium']);
        if (code !== 0) return code;
      }
      return run('playwright', ['test']);
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
console.log(`\nsteps: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
