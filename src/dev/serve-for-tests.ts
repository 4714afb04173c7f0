/**
 * The system under test for the browser suite: the built site, the Worker
 * under wrangler dev with its queue, and the local intake receiver, on
 * 127.0.0.1, offline, with their own state and intake folders so tests
 * never touch a developer's running instance. `npm test` builds the site
 * with this intake's key first (testIntakeDir).
 */
import { startLocalSystem } from './local-system.ts';
import { testIntakeDir, testIntakePortFor } from './test-intake.ts';

const port = Number(process.argv[2] ?? 8799);
const system = await startLocalSystem({
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
for (const child of system.children) child.on('exit', (code) => {
  system.stop();
  process.exit(code ?? 1);
});
