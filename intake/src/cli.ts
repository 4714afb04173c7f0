/**
 * The municipal intake, as one command: `npm run intake -- <command>`.
 * See `help` below; everything runs inside the municipality, and the
 * private key never leaves the intake folder.
 */
import { chmod } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { backup } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { keyRing } from '../../protocol/envelope.ts';
import { Accounts } from './accounts.ts';
import { verifyAudit, appendAudit } from './audit.ts';
import { importFileInbox } from './legacy/v1-file-inbox.ts';
import { describeTimeLeft } from './inbox/pages.ts';
import { inboxText } from './inbox/text.ts';
import {
  dayAfter,
  DEFAULT_KEY_DAYS,
  ensurePrivateDir,
  ensureStoreSecret,
  generateWrappedKey,
  listPlainKeyFiles,
  listWrappedKeys,
  obtainPassphrase,
  protectPlainKeys,
  retireKeys,
  unlockVault,
  VaultError,
} from './key-vault.ts';
import { loadRecipientDirectory, NO_RECIPIENTS, type RecipientDirectory } from './promise.ts';
import { pullConfigFromEnv, pullOnce } from './pull.ts';
import { buildKeySet, buildPullQueues, buildPushRoutes, RecipientsConfigError } from './recipients.ts';
import { deliveryStatus } from './delivery-watch.ts';
import { acceptRelease, loadKnownReleases, shortFingerprint, watchSiteOnce } from './site-watch.ts';
import { ensureReceiptKey, loadReceiverAuth, parsePublicKeyList, writeSigningKeyFile } from './push-keys.ts';
import { municipalityIds } from '../../protocol/municipalities.ts';
import { PUSH_PATH } from './receiver/push-app.ts';
import { DEFAULT_INBOX_PORT, DEFAULT_PUSH_PORT, relyingParty, startIntakeService } from './service.ts';
import { DEFAULT_RETENTION_DAYS, IntakeStore, StoreError } from './store.ts';
import { REPLY_HELP, ReplyCommandError, runDeliverReplies, runReplyCommand, siteUrlFrom } from './reply-command.ts';
import { ReplyError } from '../../protocol/reply.ts';
import { ReplyWriteError } from './reply-writer.ts';
import { INTAKE_COMMAND } from './command-name.ts';


export const HELP = `Utväg municipal intake (version 2: store, team inbox, wrapped keys)

Usage: ${INTAKE_COMMAND} <command> [options]

Keys (the passphrase is asked in the terminal, or read from --passphrase-file,
$UTVAG_INTAKE_PASSPHRASE_FILE or $CREDENTIALS_DIRECTORY/utvag-intake-passphrase)
  keygen [--days 90]         Make a new key pair, wrapped with the passphrase. Prints the
                             public key for recipients.json. Make the next one before the
                             current one ends (overlapping rotation).
  keys list                  The keys in <dir>/keys and when each ends (no passphrase needed).
  keys protect               Wrap version-1 plain key files with the passphrase, then delete them.
  keys retire [--grace-days 60]
                             Delete private keys that ended more than the grace days ago
                             (nothing sealed to them can still arrive). Then update recipients.json.
  receipt-key                Make this receiver's receipt key (once) in <dir>; print its
                             public key for recipients.json (push.receiptPublicKey).
  worker-key --out <file>    For the site's operator: make the Worker's push signing key in
                             <file> (owner-only) for \`wrangler secret put INTAKE_PUSH_SIGNING_KEY\`;
                             print its public key for every receiver.

Recipients file
  check <recipients.json>    Check a recipients file: shape, keys, duplicate kids, the
                             municipalities each serves, its promise and phone line
                             (UTVAG_PRODUCTION=1: no development recipient).
  keyset <recipients.json>   Print the public key set (/intake-keys.json) built from it.
  routes <recipients.json>   Print the Worker's INTAKE_PUSH_ROUTES value
                             (kid -> recipient, push URL, receipt key).
  pull-queues <recipients.json>
                             Print the Worker's INTAKE_PULL_QUEUES value and the queue
                             producers to add to wrangler.jsonc (one queue per pulling recipient).

Running
  serve --recipient <id> [--port 8788] [--push-port 8789] [--host 127.0.0.1]
        [--url https://inbox.example.se] [--recipients recipients.json] [--retention-days 30]
                             The team inbox on --port, and the push receiver (POST ${PUSH_PATH},
                             for recipient <id> only) on its own --push-port: only that one is
                             for the Worker, through your HTTPS proxy. Needs INTAKE_WORKER_PUBLIC_KEYS (the
                             Worker's public key; comma-separated during a rotation) and the
                             receipt key. --url is the inbox's address as staff open it
                             (passkeys are bound to it; default http://localhost:<port>).
  pull [--watch] [--interval 30]
                             Fetch from Cloudflare's queue over HTTP instead of pushes.
                             Needs CLOUDFLARE_ACCOUNT_ID, UTVAG_QUEUE_ID, CLOUDFLARE_QUEUES_API_TOKEN.
  import [--delete-plaintext]
                             Move a version-1 file inbox (inbox/, done/, quarantine/) into the store.

Watching (alerts on stderr, exit 1)
  watch --site <url> --recipient <id> [--interval 300] [--once]
                             Watch the site from here: alert when its key set lists a key for
                             <id> that this intake does not hold, or its release manifest is not
                             a release this intake knows, or the contact page's scripts differ.
  watch --accept-release=<digest>
                             Accept a release manifest (after checking it with the project;
                             write "=": a digest may begin with "-").
  delivery-check [--expect-within 24]
                             Say when the last request arrived; exit 1 (an alert) when nothing
                             has arrived for longer than that many hours.

Staff and audit (no passphrase needed)
  staff invite --name "Anna" [--admin] [--url …]
                             Print a one-time invitation link (expires in 72 hours).
  staff list                 Staff with access.
  staff remove <id>          Remove someone: signed out everywhere, passkeys deleted.
  audit verify               Check the audit log's hash chain; exit 1 on a changed line.
  backup <file>              A consistent copy of the store while the intake runs (still unreadable
                             without the passphrase; back up keys/ and recipients.json too).
  list                       Counts and time left of open requests (no content).

The way back (issue 14)
${REPLY_HELP}
  help                       This text.

Options
  --dir <folder>             The intake folder (default: $UTVAG_INTAKE_DIR, else ~/.utvag-intake:
                             outside any repository).
`;

/** In the user's home, never the working folder: a key must not end up in a repository. */
export function defaultIntakeDir(): string {
  return join(homedir(), '.utvag-intake');
}

type Output = { out: (line: string) => void; err: (line: string) => void };

async function recipientsFrom(file: string | undefined, dir: string, io: Output): Promise<RecipientDirectory> {
  const path = file ?? process.env['UTVAG_RECIPIENTS_FILE'] ?? join(dir, 'recipients.json');
  try {
    return await loadRecipientDirectory(path);
  } catch (error) {
    if (file) throw new UsageError(`cannot read --recipients ${file}: ${(error as Error).message}`);
    io.err(`No recipients file at ${path}: no promise configured, so the inbox shows no clock. Give --recipients.`);
    return NO_RECIPIENTS;
  }
}

export async function runCli(argv: readonly string[], io: Output = { out: console.log, err: console.error }): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      days: { type: 'string' },
      port: { type: 'string' },
      'push-port': { type: 'string' },
      host: { type: 'string' },
      url: { type: 'string' },
      recipients: { type: 'string' },
      'retention-days': { type: 'string' },
      'grace-days': { type: 'string' },
      'passphrase-file': { type: 'string' },
      'dev-staff': { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean' },
      'delete-plaintext': { type: 'boolean' },
      watch: { type: 'boolean' },
      interval: { type: 'string' },
      recipient: { type: 'string' },
      out: { type: 'string' },
      'expect-within': { type: 'string' },
      site: { type: 'string' },
      once: { type: 'boolean' },
      'accept-release': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      phrase: { type: 'string', multiple: true },
      text: { type: 'string' },
      lang: { type: 'string' },
      place: { type: 'string' },
    },
  });
  const [command, argument, third] = positionals;
  const dir = values.dir ?? process.env['UTVAG_INTAKE_DIR'] ?? defaultIntakeDir();
  const needArgument = (what: string): string => {
    if (!argument) throw new UsageError(`${command} needs ${what}`);
    return argument;
  };
  const passphrase = (confirm = false) => obtainPassphrase({ ...(values['passphrase-file'] ? { file: values['passphrase-file'] } : {}), confirm });
  const retentionDays = Number(values['retention-days'] ?? process.env['UTVAG_RETENTION_DAYS'] ?? DEFAULT_RETENTION_DAYS);
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new UsageError('--retention-days must be a whole number of days, at least 1');

  switch (command) {
    case undefined:
    case 'help':
      io.out(HELP);
      return 0;
    case 'keygen': {
      const days = Number(values.days ?? String(DEFAULT_KEY_DAYS));
      if (!Number.isInteger(days) || days < 1 || days > 400) throw new UsageError('--days must be a whole number from 1 to 400');
      await ensurePrivateDir(dir);
      const first = (await listWrappedKeys(dir)).length === 0;
      const secret = await passphrase(first);
      if (!first) await unlockVault(dir, secret); // the same passphrase as the other keys
      await ensureStoreSecret(dir, secret);
      const key = await generateWrappedKey(dir, secret, dayAfter(days));
      io.out(`Private key written to ${key.file}, wrapped with the passphrase.`);
      io.out('Add this to your recipient\'s "keys" in recipients.json:');
      io.out(JSON.stringify({ publicKey: key.publicKey, notAfter: key.notAfter }, null, 2));
      io.out(`kid: ${key.kid}`);
      return 0;
    }
    case 'keys': {
      if (argument === 'list') {
        for (const key of await listWrappedKeys(dir)) io.out(`${key.kid}  ends ${key.notAfter}`);
        for (const file of await listPlainKeyFiles(dir)) io.out(`UNPROTECTED ${file}: run "keys protect"`);
        return 0;
      }
      if (argument === 'protect') {
        const done = await protectPlainKeys(dir, await passphrase(true));
        io.out(done.length === 0 ? 'No plain key files.' : `Wrapped and deleted: ${done.join(', ')}`);
        return 0;
      }
      if (argument === 'retire') {
        const grace = Number(values['grace-days'] ?? '60');
        const retired = await retireKeys(dir, grace);
        io.out(retired.length === 0 ? 'No key to retire.' : `Retired: ${retired.join(', ')}. Remove them from recipients.json.`);
        return 0;
      }
      throw new UsageError('keys needs list, protect or retire');
    }
    case 'check': {
      const keySet = await buildKeySet(needArgument('a recipients file'), municipalityIds());
      const served = keySet.recipients.reduce((sum, r) => sum + r.serves.length, 0);
      io.out(`OK: ${keySet.recipients.length} recipient(s), ${keySet.keys.length} key(s), ${served} municipality id(s) served.`);
      return 0;
    }
    case 'keyset':
      io.out(JSON.stringify(await buildKeySet(needArgument('a recipients file'), municipalityIds()), null, 2));
      return 0;
    case 'routes':
      io.out(JSON.stringify(await buildPushRoutes(needArgument('a recipients file'))));
      return 0;
    case 'pull-queues': {
      const queues = await buildPullQueues(needArgument('a recipients file'));
      io.out(`INTAKE_PULL_QUEUES=${JSON.stringify(queues.routes)}`);
      io.out('wrangler.jsonc queues.producers, in addition to INTAKE_QUEUE:');
      io.out(JSON.stringify(queues.producers, null, 2));
      return 0;
    }
    case 'receipt-key': {
      await ensurePrivateDir(dir);
      const publicKey = await ensureReceiptKey(dir);
      io.out('Add this to your recipient\'s "push" in recipients.json:');
      io.out(JSON.stringify({ receiptPublicKey: publicKey }));
      return 0;
    }
    case 'worker-key': {
      if (!values.out) throw new UsageError('worker-key needs --out <file> (a new file, outside any repository)');
      const publicKey = await writeSigningKeyFile(values.out);
      io.out(`Private key written to ${values.out} (owner-only). Store it with:`);
      io.out(`  npx wrangler secret put INTAKE_PUSH_SIGNING_KEY < ${values.out}`);
      io.out('Give every receiver this public key (INTAKE_WORKER_PUBLIC_KEYS):');
      io.out(publicKey);
      return 0;
    }
    case 'serve': {
      const recipient = values.recipient ?? process.env['UTVAG_RECIPIENT'];
      if (!recipient) throw new UsageError('serve needs --recipient <id> (this intake\'s id in recipients.json)');
      const workerKeys = parsePublicKeyList(process.env['INTAKE_WORKER_PUBLIC_KEYS']);
      if (workerKeys.length === 0) throw new UsageError('serve needs INTAKE_WORKER_PUBLIC_KEYS in the environment (the Worker\'s public key)');
      const port = Number(values.port ?? String(DEFAULT_INBOX_PORT));
      const pushPort = Number(values['push-port'] ?? String(DEFAULT_PUSH_PORT));
      await ensurePrivateDir(dir);
      const pushAuth = await loadReceiverAuth(dir, recipient, workerKeys);
      const service = await startIntakeService({
        dir,
        passphrase: await passphrase(),
        port,
        pushPort,
        ...(values.host ? { hostname: values.host } : {}),
        ...(values.url ? { publicUrl: values.url } : {}),
        recipients: await recipientsFrom(values.recipients, dir, io),
        pushAuth,
        retentionDays,
        log: io.out,
        // With UTVAG_SITE_URL (or --site), written replies waiting in the store go out from here too.
        replySite: siteUrlFrom(values.site),
      });
      io.out(`Push receiver for ${recipient}: http://${values.host ?? '127.0.0.1'}:${service.pushPort}${PUSH_PATH}`);
      io.out(`Team inbox: ${service.origin}/`);
      const devStaff = values['dev-staff'];
      if (devStaff) {
        // Development only: one admin account, and a fresh one-time link to add a passkey to it.
        const staff = service.accounts.activeStaff().find((s) => s.name === devStaff) ?? service.accounts.createStaff(devStaff, 'admin');
        io.out(`Team inbox: ${service.origin}/invite/${service.accounts.invite(staff.id)}`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => void service.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    }
    case 'pull': {
      const config = pullConfigFromEnv();
      await ensurePrivateDir(dir);
      const vault = await unlockVault(dir, await passphrase());
      const store = IntakeStore.open(dir, vault.storeSecret);
      const target = {
        store,
        recipients: await recipientsFrom(values.recipients, dir, io),
      };
      const keys = keyRing(vault.keys);
      const intervalMs = Number(values.interval ?? '30') * 1000;
      for (;;) {
        try {
          const summary = await pullOnce(config, target, keys);
          if (summary.pulled > 0 || !values.watch) {
            io.out(`pulled ${summary.pulled}: ${summary.stored} new, ${summary.duplicates} already stored, ${summary.quarantined} quarantined, ${summary.leftForRedelivery} left for redelivery`);
          }
        } catch (error) {
          if (!values.watch) throw error;
          io.err(`pull failed (${(error as Error).message}); trying again`);
        }
        if (!values.watch) return 0;
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    }
    case 'watch': {
      await ensurePrivateDir(dir);
      if (values['accept-release']) {
        await acceptRelease(dir, values['accept-release']);
        io.out(`Release ${values['accept-release']} accepted.`);
        return 0;
      }
      const recipient = values.recipient ?? process.env['UTVAG_RECIPIENT'];
      if (!values.site || !recipient) throw new UsageError('watch needs --site <url> and --recipient <id>');
      const intervalMs = Number(values.interval ?? '300') * 1000;
      for (;;) {
        // The kids need no passphrase: they are in the wrapped key files' names and metadata.
        const heldKids = (await listWrappedKeys(dir)).map((key) => key.kid);
        const result = await watchSiteOnce({ siteUrl: values.site, recipient, heldKids, knownReleases: await loadKnownReleases(dir) });
        for (const alert of result.alerts) io.err(`watch: ALERT ${alert.code}: ${alert.detail}`);
        if (result.alerts.length === 0) {
          io.out(`watch: ok, release ${result.manifestDigest}, keys for ${recipient}: ${result.publishedKids.map(shortFingerprint).join(', ') || 'none'}`);
        }
        if (values.once) return result.alerts.length === 0 ? 0 : 1;
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    }
    case 'delivery-check': {
      const hours = Number(values['expect-within'] ?? '24');
      if (!Number.isFinite(hours) || hours <= 0) throw new UsageError('--expect-within must be a number of hours');
      const store = IntakeStore.open(dir);
      try {
        const status = deliveryStatus(store.lastReceivedAt(), hours * 3_600_000);
        io.out(status.line);
        return status.overdue ? 1 : 0;
      } finally {
        store.close();
      }
    }
    case 'import': {
      const vault = await unlockVault(dir, await passphrase());
      const store = IntakeStore.open(dir, vault.storeSecret);
      try {
        const report = await importFileInbox(dir, store, vault.keys, await recipientsFrom(values.recipients, dir, io), { deletePlaintext: Boolean(values['delete-plaintext']) });
        io.out(`Imported ${report.imported} request(s) (${report.duplicates} already there), ${report.quarantined} quarantined envelope(s).`);
        for (const problem of report.keptFiles) io.out(`Kept (not imported): ${problem}`);
        if (!values['delete-plaintext'] && report.imported + report.duplicates > 0) {
          io.out('The plaintext files are still in inbox/ and done/. After checking the inbox, run again with --delete-plaintext.');
        }
      } finally {
        store.close();
      }
      return 0;
    }
    case 'staff': {
      const store = IntakeStore.open(dir);
      try {
        const origin = values.url ?? process.env['UTVAG_INBOX_URL'] ?? `http://localhost:${values.port ?? String(DEFAULT_INBOX_PORT)}`;
        const accounts = new Accounts(store, relyingParty(origin));
        if (argument === 'invite') {
          if (!values.name) throw new UsageError('staff invite needs --name');
          const staff = accounts.createStaff(values.name, values.admin ? 'admin' : 'staff');
          const token = accounts.invite(staff.id);
          appendAudit(store, 'cli', 'staff_invited', null, `staff:${staff.id}`);
          io.out(`Invitation for ${staff.name} (${staff.role}), one use, valid 72 hours:\n${relyingParty(origin).origin}/invite/${token}`);
          return 0;
        }
        if (argument === 'list') {
          for (const s of accounts.activeStaff()) io.out(`${s.id}  ${s.role.padEnd(5)}  ${s.name}`);
          return 0;
        }
        if (argument === 'remove') {
          const id = Number(third);
          if (!Number.isInteger(id) || !accounts.staff(id)) throw new UsageError('staff remove needs a staff id (see staff list)');
          accounts.removeStaff(id);
          appendAudit(store, 'cli', 'staff_removed', null, `staff:${id}`);
          io.out(`Removed staff ${id}: signed out everywhere.`);
          return 0;
        }
        throw new UsageError('staff needs invite, list or remove');
      } finally {
        store.close();
      }
    }
    case 'audit': {
      if (argument !== 'verify') throw new UsageError('audit needs verify');
      const store = IntakeStore.open(dir);
      try {
        const verdict = verifyAudit(store);
        if (verdict.ok) {
          io.out(`Audit log OK: ${verdict.lines} line(s), chain intact.`);
          return 0;
        }
        io.err(`Audit log BROKEN at line ${verdict.firstBadSeq}: ${verdict.reason}. ${verdict.lines} line(s) in all.`);
        return 1;
      } finally {
        store.close();
      }
    }
    case 'backup': {
      const target = needArgument('a file to write the backup to');
      const store = IntakeStore.open(dir);
      try {
        const pages = await backup(store.db, target);
        await chmod(target, 0o600);
        io.out(`Backed up ${pages} page(s) of ${store.path} to ${target}.`);
      } finally {
        store.close();
      }
      return 0;
    }
    case 'list': {
      const store = IntakeStore.open(dir);
      try {
        const rows = store.listOpen();
        const t = inboxText.en;
        if (rows.length === 0) io.out('No open requests.');
        for (const row of rows) {
          io.out(`${row.status.padEnd(11)} received ${new Date(row.receivedAt).toISOString()}  ${row.dueAt === null ? t.noPromise : describeTimeLeft(row.dueAt - Date.now(), t)}  (${row.ref})`);
        }
        const review = store.openCounts().needsReview;
        const q = store.quarantineSummary();
        io.out(`Needs review: ${review}. Quarantine: ${q.kept} kept; ${q.byCode.map((c) => `${c.code} ${c.seen} seen, ${c.dropped} not kept`).join('; ') || 'none'}.`);
      } finally {
        store.close();
      }
      return 0;
    }
    case 'reply': {
      const code = needArgument('a receipt code');
      const vault = await unlockVault(dir, await passphrase());
      const store = IntakeStore.open(dir, vault.storeSecret);
      try {
        return await runReplyCommand(store, vault, await recipientsFrom(values.recipients, dir, io), code, values, io.out);
      } finally {
        store.close();
      }
    }
    case 'deliver-replies': {
      const vault = await unlockVault(dir, await passphrase());
      const store = IntakeStore.open(dir, vault.storeSecret);
      try {
        return await runDeliverReplies(store, vault, { site: values.site, watch: values.watch ?? false, intervalSeconds: Number(values.interval ?? '30') }, io);
      } finally {
        store.close();
      }
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

export class UsageError extends Error {}

/** Runs the CLI as the program: its exit code, and errors as one clear message. */
export function runAsProgram(argv: readonly string[]): void {
  runCli(argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) console.error(`Error: ${error.message}\nRun "${INTAKE_COMMAND} help" for usage.`);
      else if (error instanceof ReplyCommandError || error instanceof ReplyWriteError || error instanceof ReplyError) console.error(`Error: ${error.message}`);
      else if (error instanceof RecipientsConfigError || error instanceof VaultError || error instanceof StoreError) console.error(error.message);
      else console.error(`Error: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}

// Run when executed directly (not when imported by tests); the bundle runs bin.ts.
if (import.meta.url === `file://${process.argv[1]}`) runAsProgram(process.argv.slice(2));
