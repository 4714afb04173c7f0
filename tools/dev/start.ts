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
  Team inbox: ${inboxLink}
                  One-time link for the development staff account: open it in Chromium or
                  another browser with passkeys, and create a passkey. Later: ${new URL(inboxLink).origin}/sign-in
Development recovery code: ${system.store.recoveryCode}
                  Public, not secret. Type it on the inbox's recovery page to read requests.
  Intake folder:  ${system.store.dir}  (development keys in its team vault; recovery code ${system.store.recoveryCode}, public, development only)

Send a request from the form: it appears in the team inbox within seconds.
Ctrl+C stops everything.
`);

const stop = () => {
  system.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of system.children) child.on('exit', () => stop());
