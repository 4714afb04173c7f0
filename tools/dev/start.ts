/**
 * `npm start`: the whole system on this machine, offline (see
 * local-system.ts), with the team inbox in both its homes: self-hosted
 * (`intake serve`, the development recipient for Stockholm) and hosted in
 * the Worker (a Durable Object, the development recipient
 * hosted-development, for Solna). Open the printed address, send a contact
 * request for either municipality, and watch it arrive in that inbox.
 */
import { startLocalSystem } from './local-system.ts';
import { HOSTED_DEV_RECIPIENT } from './dev-keys.ts';

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
  hostedInbox: { recipient: HOSTED_DEV_RECIPIENT.id, staff: 'Utvecklare (development)' },
});
const hostedInboxLink = await (system.hostedInboxLink ?? Promise.resolve('(none)')).catch(
  (error: unknown) => `(the hosted inbox did not open: ${(error as Error).message})`,
);
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

Send a request from the form for Stockholm: it appears in the team inbox within seconds.
Open the one-time link below in Chromium (or another browser with passkeys) and create a
passkey for the development staff account. Later: ${new URL(inboxLink).origin}/sign-in
The same inbox also runs hosted in the Worker, one Durable Object per recipient, on a host of its
own: the development recipient "${HOSTED_DEV_RECIPIENT.id}", for Solna. Send a request for Solna,
open its one-time link below in Chromium, create a passkey and type the same development
recovery code to read it. It has made no promise of when it answers, and the site says so.
Ctrl+C stops everything.

Team inbox: ${inboxLink}
Hosted team inbox: ${hostedInboxLink}
`);
const stop = () => {
  system.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of system.children) child.on('exit', () => stop());
