import { defineConfig } from '@playwright/test';
import { chromiumExecutablePath, chromiumFlags } from './tools/dev/chromium.ts';
import { inboxTestPort, inboxTestSetup } from './tools/dev/inbox-test-setup.ts';

/**
 * Browser tests run real Chromium against the built site served by the real
 * Worker under `wrangler dev` (miniflare), offline. Chromium: $CHROMIUM_PATH,
 * else Debian's /usr/bin/chromium, else Playwright's own download (on a
 * machine where `npx playwright install chromium` works).
 */
export const testPort = Number(process.env.UTVAG_TEST_PORT ?? 8799);
export const baseURL = `http://127.0.0.1:${testPort}`;

const executablePath = chromiumExecutablePath();

export default defineConfig({
  testDir: 'tests/browser',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    locale: 'sv-SE',
    serviceWorkers: 'block',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      // Chromium's own background requests (not the page's) go to a closed
      // local port: nothing leaves this machine. Loopback bypasses proxies.
      args: [...chromiumFlags, '--proxy-server=http://127.0.0.1:9'],
    },
  },
  projects: [
    // Rotate the shared Worker's key (and put it back): alone, one file at a time, before everything else.
    { name: 'key-rotation', testMatch: /key-rotation\.spec\.ts$/, workers: 1, fullyParallel: false },
    { name: 'chromium', testIgnore: /key-rotation\.spec\.ts$/, dependencies: ['key-rotation'] },
  ],
  webServer: [
    {
      command: `node tools/dev/serve-for-tests.ts ${testPort}`,
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // The team inbox (tests/browser/inbox/): the real `intake serve` on localhost.
      command: `node tools/dev/serve-inbox-for-tests.ts ${inboxTestPort()}`,
      url: `${inboxTestSetup(inboxTestPort()).origin}/sign-in`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
