/**
 * The municipal intake, as one command: `npm run intake -- <command>`.
 * See `help` below; everything runs inside the municipality, and the
 * private key never leaves the intake folder.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { keyRing } from '../contact/envelope.ts';
import { describeTimeLeft, listInbox, markDone, prepareIntakeDir, showRequest } from './inbox.ts';
import { dayAfter, generateKey, loadPrivateKeys } from './keygen.ts';
import { pullConfigFromEnv, pullOnce } from './pull.ts';
import { buildKeySet, buildPullQueues, buildPushRoutes, RecipientsConfigError } from './recipients.ts';
import { deliveryStatus, lastDeliveryInFolder } from './delivery-watch.ts';
import { acceptRelease, loadKnownReleases, shortFingerprint, watchSiteOnce } from './site-watch.ts';
import { ensureReceiptKey, loadReceiverAuth, parsePublicKeyList, writeSigningKeyFile } from './push-keys.ts';
import { municipalityIds } from '../municipalities/schema.ts';
import { createPushServer, listen, PUSH_PATH } from './serve.ts';

export const HELP = `Utväg municipal intake

Usage: npm run intake -- <command> [options]

Commands
  keygen [--days 365]        Make a new key pair. The private key stays in <dir>/keys
                             (owner-only); the public key is printed for recipients.json.
  check <recipients.json>    Check a recipients file: shape, keys, duplicate kids, the
                             municipalities each serves, its promise and phone line
                             (UTVAG_PRODUCTION=1: no development recipient).
  keyset <recipients.json>   Print the public key set (/intake-keys.json) built from it.
  routes <recipients.json>   Print the Worker's INTAKE_PUSH_ROUTES value
                             (kid -> recipient, push URL, receipt key).
  pull-queues <recipients.json>
                             Print the Worker's INTAKE_PULL_QUEUES value and the queue
                             producers to add to wrangler.jsonc (one queue per pulling recipient).
  receipt-key                Make this receiver's receipt key (once) in <dir>; print its
                             public key for recipients.json (push.receiptPublicKey).
  worker-key --out <file>    For the site's operator: make the Worker's push signing key in
                             <file> (owner-only) for \`wrangler secret put INTAKE_PUSH_SIGNING_KEY\`;
                             print its public key for every receiver.
  serve --recipient <id> [--port 8788]
                             Receive pushes from the Worker on 127.0.0.1:<port>${PUSH_PATH}, for
                             recipient <id> only. Needs INTAKE_WORKER_PUBLIC_KEYS (the Worker's
                             public key; comma-separated during a rotation) and the receipt key.
  pull [--watch] [--interval 30]
                             Fetch from Cloudflare's queue over HTTP instead of pushes.
                             Needs CLOUDFLARE_ACCOUNT_ID, UTVAG_QUEUE_ID, CLOUDFLARE_QUEUES_API_TOKEN.
  watch --site <url> --recipient <id> [--interval 300] [--once]
                             Watch the site from here: alert when its key set lists a key for
                             <id> that this intake does not hold, or its release manifest is not
                             a release this intake knows, or the contact page's scripts differ.
  watch --accept-release <digest>
                             Accept a release manifest (after checking it with the project).
  delivery-check [--expect-within 24]
                             Say when the last request arrived; exit 1 (an alert) when nothing
                             has arrived for longer than that many hours.
  list                       Open requests, oldest first, with the time left of the 24-hour promise.
  show <receipt code | id>   Print one request.
  done <receipt code | id>   Mark a request handled (moves it to <dir>/done; nothing is deleted).
  help                       This text.

Options
  --dir <folder>             The intake folder (default: $UTVAG_INTAKE_DIR, else ~/.utvag-intake:
                             outside any repository, so a private key is never committed).
`;

/** In the user's home, never the working folder: a key must not end up in a repository. */
export function defaultIntakeDir(): string {
  return join(homedir(), '.utvag-intake');
}

type Output = { out: (line: string) => void; err: (line: string) => void };

export async function runCli(argv: readonly string[], io: Output = { out: console.log, err: console.error }): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      days: { type: 'string' },
      port: { type: 'string' },
      watch: { type: 'boolean' },
      interval: { type: 'string' },
      recipient: { type: 'string' },
      out: { type: 'string' },
      'expect-within': { type: 'string' },
      site: { type: 'string' },
      once: { type: 'boolean' },
      'accept-release': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, argument] = positionals;
  const dir = values.dir ?? process.env['UTVAG_INTAKE_DIR'] ?? defaultIntakeDir();
  const needArgument = (what: string): string => {
    if (!argument) throw new UsageError(`${command} needs ${what}`);
    return argument;
  };

  switch (command) {
    case undefined:
    case 'help':
      io.out(HELP);
      return 0;
    case 'keygen': {
      const days = Number(values.days ?? '365');
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError('--days must be a whole number from 1 to 3650');
      await prepareIntakeDir(dir);
      const key = await generateKey(dir, dayAfter(days));
      io.out(`Private key written to ${key.privateKeyFile} (owner-only; back it up safely, never send it anywhere).`);
      io.out('Add this to your recipient\'s "keys" in recipients.json:');
      io.out(JSON.stringify({ publicKey: key.publicKey, notAfter: key.notAfter }, null, 2));
      io.out(`kid: ${key.kid}`);
      return 0;
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
      await prepareIntakeDir(dir);
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
      const port = Number(values.port ?? '8788');
      await prepareIntakeDir(dir);
      const keys = await loadPrivateKeys(dir);
      if (keys.length === 0) throw new UsageError(`no private keys in ${dir}/keys: run keygen first`);
      const auth = await loadReceiverAuth(dir, recipient, workerKeys);
      const server = createPushServer({ dir, keys: keyRing(keys), auth, log: io.out });
      const bound = await listen(server, port);
      io.out(`Intake receiver for ${recipient} listening on http://127.0.0.1:${bound}${PUSH_PATH} with ${keys.length} key(s).`);
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    }
    case 'pull': {
      const config = pullConfigFromEnv();
      await prepareIntakeDir(dir);
      const keys = keyRing(await loadPrivateKeys(dir));
      if (keys.size === 0) throw new UsageError(`no private keys in ${dir}/keys: run keygen first`);
      const intervalMs = Number(values.interval ?? '30') * 1000;
      for (;;) {
        try {
          const summary = await pullOnce(config, dir, keys);
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
      await prepareIntakeDir(dir);
      if (values['accept-release']) {
        await acceptRelease(dir, values['accept-release']);
        io.out(`Release ${values['accept-release']} accepted.`);
        return 0;
      }
      const recipient = values.recipient ?? process.env['UTVAG_RECIPIENT'];
      if (!values.site || !recipient) throw new UsageError('watch needs --site <url> and --recipient <id>');
      const intervalMs = Number(values.interval ?? '300') * 1000;
      for (;;) {
        const heldKids = (await loadPrivateKeys(dir)).map((key) => key.kid);
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
      const status = deliveryStatus(await lastDeliveryInFolder(dir), hours * 3_600_000);
      io.out(status.line);
      return status.overdue ? 1 : 0;
    }
    case 'list': {
      await prepareIntakeDir(dir);
      const entries = await listInbox(dir);
      if (entries.length === 0) io.out('No open requests.');
      for (const entry of entries) {
        io.out(`${entry.receipt}  received ${entry.receivedAt.toISOString()}  ${describeTimeLeft(entry.msLeft)}  (${entry.id})`);
      }
      return 0;
    }
    case 'show': {
      const text = await showRequest(dir, needArgument('a receipt code or request id'));
      if (!text) throw new UsageError(`no open request ${argument}`);
      io.out(text);
      return 0;
    }
    case 'done': {
      const entry = await markDone(dir, needArgument('a receipt code or request id'));
      if (!entry) throw new UsageError(`no open request ${argument}`);
      io.out(`${entry.receipt} marked done.`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

export class UsageError extends Error {}

// Run when executed directly (not when imported by tests).
if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) console.error(`Error: ${error.message}\nRun "npm run intake -- help" for usage.`);
      else if (error instanceof RecipientsConfigError) console.error(error.message);
      else console.error(`Error: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
