/**
 * `npm start`: the whole system on this machine, offline (see
 * local-system.ts), with the team inbox. Open the printed address, send a
 * contact request, and watch it arrive in the team inbox with its clock.
 */
import { startLocalSystem } from './local-system.ts';

const intakeDir = '.dev-intake';
const system = await startLocalSystem({
  intakeDir,
  sitePort: Number(process.env.PORT ?? 8787),
  intakePort: 8789,
  inboxPort: 8788,
  persistTo: '.wrangler/state',
  build: true,
  quiet: false,
  devStaff: 'Utvecklare (development)',
  deliverReplies: true,
});
const inboxLink = await Promise.race([
  system.inboxLink,
  new Promise<string>((resolve) => setTimeout(() => resolve('(the intake did not print a link; see its output above)'), 20_000)),
]);

console.log(`
Utväg is running on this machine, offline.

  Site:           ${system.url}/sv/
  Contact form:   ${system.url}/sv/kontakt/
  Intake folder:  ${system.store.dir}  (development keys in its team vault)
  Development recovery code: ${system.store.recoveryCode}
                  Public, not secret, development only. Type it on the inbox's recovery page to read requests.

Send a request from the form: it appears in the team inbox within seconds.
Open the one-time link below in Chromium (or another browser with passkeys) and create a
passkey for the development staff account. Later: ${new URL(inboxLink).origin}/sign-in
Ctrl+C stops everything.

Team inbox: ${inboxLink}
`);
const stop = () => {
  system.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of system.children) child.on('exit', () => stop());
