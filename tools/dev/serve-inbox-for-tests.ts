/**
 * The team inbox for the browser tests (tests/browser/inbox/): a fresh
 * intake folder each run, a fresh recipient key pair, a recipients file with a 24-hour promise (marked as a test), a receipt
 * key and a test Worker signing key for pushes, and the
 * real `intake serve` on localhost (a WebAuthn RP ID cannot be an IP).
 * The tests push requests to it and make invitations with the real CLI.
 * The team vault is provisioned with the public development recovery code
 * (dev-vault.ts), so a test signs in as a fresh administrator by typing it
 * (tests/browser/inbox/inbox-session.ts); `--no-vault` leaves the vault to
 * the first administrator's setup page, and the key pair's private half
 * beside the intake folder (recipient.private.jwk.json, 0600) for the
 * test to put into the vault there; `--key-days N` makes the key end N
 * days from today instead of in 2099. No passphrase: `intake serve` holds
 * no key that opens a request (issue 19).
 *
 * `--identity-from <dev folder>` makes this inbox that folder's
 * development recipient (its id, and its identity key boxed in the vault,
 * whose fingerprint the test site pins), and `--site <url>` has it publish
 * its key statements to that site (issue 20): a key made in this inbox is
 * then served by the site's /intake-keys.json.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { writeNewSecretFile } from '../../intake/src/keys/owner-only-files.ts';
import { IntakeStore } from '../../intake/src/store.ts';
import { provisionDevVault } from './dev-vault.ts';
import { ensureReceiptKey, writeSigningKeyFile } from '../../intake/src/push-keys.ts';
import { inboxTestSetup } from './inbox-test-setup.ts';
import type { IdentityJwk } from '../../intake/src/team-vault/identity-key.ts';
import { DEV_RECIPIENT, IDENTITY_KEY_FILE } from './dev-keys.ts';
import { projectEnv, start } from './run.ts';

const port = Number(process.argv[2] ?? 8870);
const setup = inboxTestSetup(port);
await rm(setup.root, { recursive: true, force: true });
await mkdir(setup.dir, { recursive: true, mode: 0o700 });
const pair = await generateRecipientKeyPair();
// `--key-days N`: the key ends N days from today (the keys spec's reminder), else far away.
const keyDays = process.argv.indexOf('--key-days');
const notAfter =
  keyDays === -1 ? '2099-12-31' : new Date(Date.now() + Number(process.argv[keyDays + 1]) * 86_400_000).toISOString().slice(0, 10);
const key = { kid: pair.kid, publicKey: pair.publicKey, notAfter };
const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : null);
const identityFrom = flag('--identity-from');
const site = flag('--site');
const identity = identityFrom ? (JSON.parse(await readFile(join(identityFrom, IDENTITY_KEY_FILE), 'utf8')) as IdentityJwk) : null;
const recipient = identity ? DEV_RECIPIENT.id : setup.recipient;
if (process.argv.includes('--no-vault')) {
  await writeNewSecretFile(setup.recipientPrivateKeyFile, JSON.stringify({ ...pair.privateJwk, kid: key.kid, notAfter: key.notAfter }));
} else {
  const store = IntakeStore.open(setup.dir);
  await provisionDevVault(store, [{ ...key, privateJwk: pair.privateJwk }], identity ? { identity } : {});
  store.close();
}
const receiptPublicKey = await ensureReceiptKey(setup.dir);
const workerPublicKey = await writeSigningKeyFile(setup.workerSigningKeyFile);
await writeFile(
  setup.recipientsFile,
  JSON.stringify({
    v: 1,
    recipients: [
      {
        id: recipient,
        name: 'Test',
        development: true,
        serves: ['stockholm'],
        promise: {
          firstContactWithinHours: 24,
          hours: 'around-the-clock',
          madeBy: { sv: 'Test only', en: 'Test only', ar: 'Test only', fa: 'Test only', so: 'Test only', ti: 'Test only' },
          since: '2026',
          source: { name: 'Test', year: 2026 },
        },
        keys: [{ publicKey: key.publicKey, notAfter: key.notAfter }],
        push: { url: `${setup.pushOrigin}/push`, receiptPublicKey },
      },
    ],
  }),
);
await writeFile(join(setup.root, 'public-key.json'), JSON.stringify({ kid: key.kid, publicKey: key.publicKey }));

const child = start(
  'node',
  [
    'intake/src/cli.ts',
    'serve',
    '--dir',
    setup.dir,
    '--port',
    String(port),
    '--push-port',
    new URL(setup.pushOrigin).port,
    '--recipient',
    recipient,
    '--recipients',
    setup.recipientsFile,
    '--url',
    setup.origin,
    ...(site ? ['--site', site] : []),
  ],
  // serve's own lines (its key reminder) go to this script's stdout: a spec may read them, the suite ignores them.
  { stdio: ['ignore', 'inherit', 'inherit'], env: projectEnv({ INTAKE_WORKER_PUBLIC_KEYS: workerPublicKey }) },
);
const stop = () => {
  child.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code) => process.exit(code ?? 1));
