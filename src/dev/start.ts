/**
 * `npm start`: the whole system on this machine, offline (see
 * local-system.ts). Open the printed address, send a contact request, and
 * watch it arrive here, decrypted by the local intake.
 */
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startLocalSystem } from './local-system.ts';

const intakeDir = '.dev-intake';
const system = await startLocalSystem({
  intakeDir,
  sitePort: Number(process.env.PORT ?? 8787),
  intakePort: 8788,
  persistTo: '.wrangler/state',
  build: true,
  quiet: false,
  deliverReplies: true,
});

console.log(`
Utväg is running on this machine, offline.

  Site:           ${system.url}/sv/
  Contact form:   ${system.url}/sv/kontakt/
  Intake inbox:   ${join(intakeDir, 'inbox')}  (development key in ${join(intakeDir, 'keys')})
  In another terminal:  npm run intake -- list --dir ${intakeDir}

Send a request from the form: it appears here, decrypted, within seconds.
Ctrl+C stops everything.
`);

// Print each new request as the intake stores it (the readable .txt).
const inbox = join(intakeDir, 'inbox');
const shown = new Set<string>();
watch(inbox, (_event, name) => {
  if (!name?.endsWith('.txt') || shown.has(name)) return;
  shown.add(name);
  setTimeout(async () => {
    try {
      console.log(`\n--- new request in the intake inbox ---\n${await readFile(join(inbox, name), 'utf8')}`);
    } catch {
      shown.delete(name);
    }
  }, 200);
});

const stop = () => {
  system.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of system.children) child.on('exit', () => stop());
