/**
 * The system under test for the browser suite: the built site and the
 * Worker under `wrangler dev` on 127.0.0.1:<port>, offline, with its own
 * local state folder so tests never touch a developer's running instance.
 */
import { start } from './run.ts';

const port = process.argv[2] ?? '8799';
const wrangler = start('wrangler', [
  'dev',
  '--port', port,
  '--ip', '127.0.0.1',
  '--persist-to', '.wrangler/test-state',
  '--show-interactive-dev-session=false',
  '--log-level', 'warn',
]);

function stop(): void {
  wrangler.kill('SIGTERM');
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
wrangler.on('exit', (code) => process.exit(code ?? 0));
