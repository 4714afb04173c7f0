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
import { buildKeySet, buildPushRoutes, RecipientsConfigError } from './recipients.ts';
import { createPushServer, listen, PUSH_PATH } from './serve.ts';
import { REPLY_HELP, ReplyCommandError, runDeliverReplies, runReplyCommand, siteUrlFrom, startReplyDeliveryLoop } from './reply-command.ts';
import { ReplyError } from '../contact/reply.ts';
import { ReplyWriteError } from './reply-writer.ts';

export const HELP = `Utväg municipal intake

Usage: npm run intake -- <command> [options]

Commands
  keygen [--days 365]        Make a new key pair. The private key stays in <dir>/keys
                             (owner-only); the public key is printed for recipients.json.
  check <recipients.json>    Check a recipients file (keys, duplicate kids, shape).
  keyset <recipients.json>   Print the public key set (/intake-keys.json) built from it.
  routes <recipients.json>   Print the Worker's INTAKE_PUSH_ROUTES value (kid -> push URL).
  serve [--port 8788]        Receive pushes from the Worker on 127.0.0.1:<port>${PUSH_PATH}.
                             Needs INTAKE_PUSH_SECRET (comma-separated during a rotation).
                             With UTVAG_SITE_URL (or --site), also sends waiting replies every 30 s.
  pull [--watch] [--interval 30]
                             Fetch from Cloudflare's queue over HTTP instead of pushes.
                             Needs CLOUDFLARE_ACCOUNT_ID, UTVAG_QUEUE_ID, CLOUDFLARE_QUEUES_API_TOKEN.
  list                       Open requests, oldest first, with the time left of the 24-hour promise.
  show <receipt code | id>   Print one request.
  done <receipt code | id>   Mark a request handled (moves it to <dir>/done; nothing is deleted).
${REPLY_HELP}
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
      help: { type: 'boolean', short: 'h' },
      phrase: { type: 'string', multiple: true },
      text: { type: 'string' },
      lang: { type: 'string' },
      place: { type: 'string' },
      site: { type: 'string' },
      recipients: { type: 'string' },
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
      const keySet = await buildKeySet(needArgument('a recipients file'));
      io.out(`OK: ${keySet.keys.length} key(s).`);
      return 0;
    }
    case 'keyset':
      io.out(JSON.stringify(await buildKeySet(needArgument('a recipients file')), null, 2));
      return 0;
    case 'routes':
      io.out(JSON.stringify(await buildPushRoutes(needArgument('a recipients file'))));
      return 0;
    case 'serve': {
      const secrets = (process.env['INTAKE_PUSH_SECRET'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (secrets.length === 0) throw new UsageError('serve needs INTAKE_PUSH_SECRET in the environment');
      const port = Number(values.port ?? '8788');
      await prepareIntakeDir(dir);
      const keys = await loadPrivateKeys(dir);
      if (keys.length === 0) throw new UsageError(`no private keys in ${dir}/keys: run keygen first`);
      const server = createPushServer({ dir, keys: keyRing(keys), secrets, log: io.out });
      const bound = await listen(server, port);
      io.out(`Intake receiver listening on http://127.0.0.1:${bound}${PUSH_PATH} with ${keys.length} key(s).`);
      // With UTVAG_SITE_URL set, written replies waiting in <dir>/outbox go out from here too.
      const stopReplies = startReplyDeliveryLoop(dir, siteUrlFrom(values.site), io);
      await new Promise<void>((resolve) => {
        const stop = () => {
          stopReplies();
          server.close(() => resolve());
        };
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
    case 'reply':
      return runReplyCommand(dir, needArgument('a receipt code or request id'), values, io.out);
    case 'deliver-replies':
      return runDeliverReplies(dir, { ...(values.site ? { site: values.site } : {}), watch: values.watch ?? false, intervalSeconds: Number(values.interval ?? '30') }, io);
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
      if (error instanceof ReplyCommandError || error instanceof ReplyWriteError || error instanceof ReplyError) console.error(`Error: ${error.message}`);
      else if (error instanceof UsageError) console.error(`Error: ${error.message}\nRun "npm run intake -- help" for usage.`);
      else if (error instanceof RecipientsConfigError) console.error(error.message);
      else console.error(`Error: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
