/**
 * `npm start`: the whole system on this machine, offline. Builds the site
 * and runs the Worker under wrangler dev on http://127.0.0.1:8787/.
 */
import { buildSite } from './build-site.ts';
import { start, waitForUrl } from './run.ts';

const port = process.env.PORT ?? '8787';
if ((await buildSite()) !== 0) process.exit(1);

const worker = start('wrangler', ['dev', '--port', port, '--ip', '127.0.0.1', '--show-interactive-dev-session=false']);
await waitForUrl(`http://127.0.0.1:${port}/api/health`);
console.log(`\nUtväg is running: http://127.0.0.1:${port}/sv/  (Ctrl+C stops it)\n`);

const stop = () => worker.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
worker.on('exit', (code) => process.exit(code ?? 0));
