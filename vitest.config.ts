import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/** The inbox's tests that run in both its homes: on Node (unit) and in a Durable Object (inbox-durable). */
export const INBOX_ON_BOTH_HOMES = [
  'intake/tests/audit-checkpoint.test.ts',
  'intake/tests/connection-page.test.ts',
  'intake/tests/inbox-app.test.ts',
  'intake/tests/inbox-words.test.ts',
  'intake/tests/key-statements.test.ts',
  'intake/tests/keys-api.test.ts',
  'intake/tests/need-to-know.test.ts',
  'intake/tests/operator-calls.test.ts',
  'intake/tests/requests-api.test.ts',
  'intake/tests/sql-database.test.ts',
  'intake/tests/staff-hygiene.test.ts',
  'intake/tests/store-migrations.test.ts',
  'intake/tests/store.test.ts',
  'intake/tests/vault-api.test.ts',
  'intake/tests/write-back-thread.test.ts',
];

const durable = (file: string) => fileURLToPath(new URL(`./intake/tests/durable/${file}`, import.meta.url));

// Projects: plain Node for libraries and the intake, workerd (through the
// Cloudflare plugin) for the Worker with its real bindings, and the
// inbox's tests again in workerd, on a Durable Object's storage.
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
        },
      },
      {
        // The same test bodies as on Node, each inside a fresh Durable Object
        // whose SQLite storage holds the store (intake/tests/durable/).
        plugins: [cloudflareTest({ wrangler: { configPath: './intake/tests/durable/wrangler.jsonc' } })],
        resolve: {
          alias: [
            { find: /^\.\/backend\.ts$/, replacement: durable('backend-durable.ts') },
            // The Node entry (store.ts) is imported by tests for its types and helpers; never opened there.
            { find: /^node:sqlite$/, replacement: durable('no-node-sqlite.ts') },
          ],
        },
        test: {
          name: 'inbox-durable',
          include: INBOX_ON_BOTH_HOMES,
          testTimeout: 60_000,
        },
      },
    ],
  },
});
