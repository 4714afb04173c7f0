/**
 * The system under test for the browser suite: the built site, the Worker
 * under wrangler dev with its queue, and the local intake receiver, on
 * 127.0.0.1, offline, with their own state and intake folders so tests
 * never touch a developer's running instance. `npm test` builds the site
 * with this intake's key first (testIntakeDir).
 */
import { mkdir } from 'node:fs/promises';
import { startLocalSystem } from './local-system.ts';
import { testIntakeDir, testIntakePortFor } from './test-intake.ts';
import { writeConfigWithServiceLimit } from './wrangler-config.ts';

const port = Number(process.argv[2] ?? 8799);
// The browser suite sends hundreds of requests to one test recipient within
// minutes: the per-recipient and total ceilings are raised for it (the
// per-sender limit stays as deployed; the Worker tests cover all three).
const configDir = `.wrangler/test-config-${port}`;
await mkdir(configDir, { recursive: true });
const system = await startLocalSystem({
  wranglerConfig: await writeConfigWithServiceLimit(configDir, 100_000),
  intakeDir: testIntakeDir,
  sitePort: port,
  intakePort: testIntakePortFor(port),
  persistTo: '.wrangler/test-state',
  build: false,
  quiet: true,
});

const stop = () => {
  system.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
for (const child of system.children)
  child.on('exit', (code) => {
    system.stop();
    process.exit(code ?? 1);
  });
