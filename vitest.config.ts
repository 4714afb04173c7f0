import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Two projects: plain Node for libraries and the intake, and workerd
// (through the Cloudflare plugin) for the Worker, with its real bindings.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'intake/tests/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // End-to-end in Node against the real Worker under wrangler dev and
        // the real intake, and the checks of every built page (tests/site/);
        // needs the built site. One file at a time: each starts its own
        // servers on its own ports.
        test: {
          name: 'system',
          include: ['tests/system/**/*.test.ts', 'tests/site/**/*.test.ts'],
          // The frozen Worker's folder, shared by the files of one run.
          globalSetup: ['tests/system/global-setup.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.jsonc' },
            // The Worker refuses contact requests without a rate-limit secret; a test value.
            miniflare: { bindings: { RATE_LIMIT_SECRET: 'worker-tests-rate-limit-secret-0123456789' } },
          }),
        ],
        test: {
          name: 'worker',
          include: ['tests/worker/**/*.test.ts'],
          // The hosted inbox's files, built into the Worker (tools/dev/build-hosted-assets.ts).
          globalSetup: ['tools/test/hosted-assets-setup.ts'],
        },
      },
    ],
  },
});
