/**
 * `npm run connect -- <command> <municipality-id>`: the operator connects a
 * municipality's hosted inbox in one sitting (issue 20, part 4).
 *
 *   invite <id> [--name "Anna Andersson"]   a one-time setup link for its first
 *                                           administrator, and when it expires
 *   approve <id> [--without-phone] [--file <recipients.json>]
 *                                           reads what the administrator entered,
 *                                           checks it, shows it, writes the recipient
 *                                           into recipients.json: then build and deploy
 *   disconnect <id> [--file …]              the site stops sending to it; its inbox keeps
 *                                           every stored request
 *
 * It talks to the site's Worker (/api/operator/*, functions/routes/operator.ts)
 * at UTVAG_SITE_URL with the bearer secret OPERATOR_TOKEN.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { OperatorConnection, OperatorInvite } from '../../protocol/connection.ts';
import { isProductionBuild } from '../../protocol/recipients.ts';
import { ConnectError, hostedRecipient, municipalityOf, withoutRecipient, withRecipient, type HostedEntry } from './recipients-file.ts';

export const RECIPIENTS_FILE = 'content/intake/recipients.json';

const USAGE = `Usage: npm run connect -- <command> <municipality-id> [options]
  invite <id> [--name <first administrator's name>]
  approve <id> [--without-phone] [--file ${RECIPIENTS_FILE}]
  disconnect <id> [--file ${RECIPIENTS_FILE}]
Needs UTVAG_SITE_URL (the site, e.g. https://utvag.se) and OPERATOR_TOKEN (the Worker's secret).`;

export interface ConnectIo {
  env: Readonly<Record<string, string | undefined>>;
  fetch: typeof fetch;
  readFile: (path: string) => string;
  writeFile: (path: string, text: string) => void;
  log: (line: string) => void;
}

/** The Worker's operator API, with the operator's secret. */
function operatorApi(io: ConnectIo) {
  const site = io.env['UTVAG_SITE_URL'];
  const token = io.env['OPERATOR_TOKEN'];
  const missing = [
    ...(site ? [] : ["UTVAG_SITE_URL is not set: the site's address, e.g. UTVAG_SITE_URL=https://utvag.se"]),
    ...(token ? [] : ['OPERATOR_TOKEN is not set: the secret set on the Worker with `npx wrangler secret put OPERATOR_TOKEN`']),
  ];
  if (missing.length > 0) throw new ConnectError(missing);
  let base: URL;
  try {
    base = new URL('/api/operator/', site);
  } catch {
    throw new ConnectError([`UTVAG_SITE_URL is not an address: ${site}`]);
  }
  return async <T>(path: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await io.fetch(new URL(path, base), {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: 'error',
      });
    } catch (error) {
      throw new ConnectError([`could not reach ${base.origin} (${(error as Error).message})`]);
    }
    const answer = (await res.json().catch(() => null)) as ({ error?: string } & T) | null;
    if (res.ok && answer) return answer;
    throw new ConnectError([explain(res.status, answer?.error, base.origin)]);
  };
}

function explain(status: number, code: string | undefined, origin: string): string {
  if (status === 401) return `the Worker at ${origin} refused OPERATOR_TOKEN: it is not the secret set on that Worker`;
  if (code === 'not_found')
    return `the Worker at ${origin} has no operator API: set its secret with \`npx wrangler secret put OPERATOR_TOKEN\``;
  if (code === 'unknown_recipient') return 'that municipality has not been invited: run `npm run connect -- invite <id>` first';
  if (code === 'already_set_up') return 'its inbox is already set up: its administrators invite their own team under "Personal"';
  if (code === 'not_configured') return `the Worker at ${origin} has no hosted inboxes (the HOSTED_INBOX binding)`;
  return `the Worker at ${origin} answered ${status}${code ? ` (${code})` : ''}`;
}

const when = (ms: number) => new Date(ms).toLocaleString('sv-SE', { timeZone: 'Europe/Stockholm' });

/** What the operator reviews before the deploy: exactly what the site will show. */
function describe(entry: HostedEntry, connection: OperatorConnection): string[] {
  const { promise } = entry;
  const hours = promise.hours === 'around-the-clock' ? 'around the clock' : promise.hours.sv;
  return [
    `  municipality:  ${entry.serves.join(', ')} (${entry.name})`,
    `  promise:       first contact within ${promise.firstContactWithinHours} h, ${hours}`,
    `  made by:       ${promise.madeBy.sv}, since ${promise.since}`,
    `  published:     ${promise.source.name} ${promise.source.year}, ${promise.source.address ?? '(no address)'}`,
    `  phone:         ${entry.phone ? `${entry.phone.display} (${connection.details?.phone?.owner ?? ''})` : '(none)'}`,
    `  alert webhook: ${connection.details?.webhook ?? '(none)'}`,
    `  identity:      ${entry.identity}`,
    `  saved:         ${connection.savedAt === null ? '-' : when(connection.savedAt)}`,
  ];
}

/** Runs one command; returns the exit code. */
export async function runConnect(args: readonly string[], io: ConnectIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { name: { type: 'string' }, file: { type: 'string' }, 'without-phone': { type: 'boolean' } },
    });
  } catch (error) {
    io.log(`connect: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, id, ...rest] = parsed.positionals;
  if (!command || !id || rest.length > 0 || !['invite', 'approve', 'disconnect'].includes(command)) {
    io.log(USAGE);
    return 2;
  }
  const file = parsed.values.file ?? RECIPIENTS_FILE;
  try {
    municipalityOf(id);
    const api = operatorApi(io);
    if (command === 'invite') {
      const invite = await api<OperatorInvite>('invite', { recipient: id, ...(parsed.values.name ? { name: parsed.values.name } : {}) });
      io.log(`Setup link for the first administrator of ${id} (works once, until ${when(Date.parse(invite.expiresAt))}):`);
      io.log(invite.link);
      io.log('Send it to them by a channel you trust. When they have set up the inbox and saved its Connection page, run:');
      io.log(`  npm run connect -- approve ${id}`);
      return 0;
    }
    if (command === 'approve') {
      const connection = await api<OperatorConnection>(`connection/${id}`);
      const entry = hostedRecipient(connection, { withoutPhone: parsed.values['without-phone'] === true });
      const text = withRecipient(file, io.readFile(file), entry, isProductionBuild(io.env));
      io.log(`What the site will show for ${id}:`);
      for (const line of describe(entry, connection)) io.log(line);
      if (connection.disconnectedAt !== null) io.log(`It was disconnected on ${when(connection.disconnectedAt)}: this connects it again.`);
      await api('approve', { recipient: id });
      io.writeFile(file, text);
      io.log(`Written to ${file}.`);
      io.log('Build and deploy now (npm run deploy): this is the only deploy the connection needs.');
      return 0;
    }
    const text = withoutRecipient(file, io.readFile(file), id);
    const { disconnectedAt } = await api<{ disconnectedAt: number }>('disconnect', { recipient: id });
    if (text !== null) io.writeFile(file, text);
    io.log(
      `${id}: disconnected at ${when(disconnectedAt)}. Its inbox keeps every stored request; its team can still read and answer them.`,
    );
    io.log(
      text === null ? `${id} was not in ${file}: nothing to change there.` : `Removed from ${file}. Build and deploy now (npm run deploy).`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    io.log(`connect ${command} ${id}: nothing was written.`);
    for (const problem of error.problems) io.log(`  - ${problem}`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const code = await runConnect(process.argv.slice(2), {
    env: process.env,
    fetch,
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, text) => writeFileSync(path, text),
    log: (line) => console.log(line),
  });
  process.exit(code);
}
