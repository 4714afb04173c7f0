/**
 * The intake's configuration, parsed once: the command line (node:util
 * parseArgs) and the environment, each checked with zod. Every setting the
 * intake reads from the environment is named here and nowhere else; the
 * commands (cli/commands/) get the parsed result.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';

export class UsageError extends Error {}

/** In the user's home, never the working folder: a key must not end up in a repository. */
export function defaultIntakeDir(): string {
  return join(homedir(), '.utvag-intake');
}

/** An unset and an empty variable mean the same: not given. */
const setting = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());

const envSchema = z.object({
  /** The intake folder. */
  UTVAG_INTAKE_DIR: setting,
  UTVAG_RETENTION_DAYS: setting,
  /** This intake's recipient id (serve, watch). */
  UTVAG_RECIPIENT: setting,
  UTVAG_RECIPIENTS_FILE: setting,
  /** The Worker's push public keys, comma-separated during a rotation. */
  INTAKE_WORKER_PUBLIC_KEYS: setting,
  /** The inbox's address as staff open it (staff invite). */
  UTVAG_INBOX_URL: setting,
  /** The site that keeps sealed replies. */
  UTVAG_SITE_URL: setting,
  UTVAG_REPLY_INTERVAL_MS: setting,
  UTVAG_INTAKE_PASSPHRASE_FILE: setting,
  /** systemd's credentials folder (LoadCredentialEncrypted). */
  CREDENTIALS_DIRECTORY: setting,
  UTVAG_ALERT_COMMAND: setting,
  UTVAG_ALERT_URL: setting,
  /** The reverse proxy's address(es), comma-separated: only from them is X-Forwarded-For believed. */
  UTVAG_TRUSTED_PROXY: setting,
  /** Pull delivery over Cloudflare's Queues HTTP API. */
  CLOUDFLARE_ACCOUNT_ID: setting,
  UTVAG_QUEUE_ID: setting,
  CLOUDFLARE_QUEUES_API_TOKEN: setting,
  /** The release key(s) that sign the site's release manifest (watch). */
  UTVAG_RELEASE_PUBLIC_KEYS: setting,
  UTVAG_QUEUES_API_BASE: setting,
});
export type IntakeEnv = z.infer<typeof envSchema>;

/** Every option any command takes (a command ignores the ones it does not use). */
const OPTIONS = {
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
  'recovery-code-file': { type: 'string' },
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
  checkpoint: { type: 'string' },
  time: { type: 'string' },
  date: { type: 'string' },
} as const;
export type OptionName = keyof typeof OPTIONS;

/** A whole number in [min, max] given as text, with the message a person needs. */
function whole(flag: string, min: number, max: number, message?: string) {
  return z
    .string()
    .transform(Number)
    .refine((n) => Number.isInteger(n) && n >= min && n <= max, message ?? `${flag} must be a whole number from ${min} to ${max}`);
}

const flagNumbers = z.object({
  days: whole('--days', 1, 400).optional(),
  'retention-days': whole(
    '--retention-days',
    1,
    Number.MAX_SAFE_INTEGER,
    '--retention-days must be a whole number of days, at least 1',
  ).optional(),
  port: whole('--port', 0, 65_535).optional(),
  'push-port': whole('--push-port', 0, 65_535).optional(),
  'grace-days': whole('--grace-days', 0, 100_000).optional(),
  interval: whole('--interval', 1, 86_400, '--interval must be a whole number of seconds').optional(),
  'expect-within': z
    .string()
    .transform(Number)
    .refine((n) => Number.isFinite(n) && n > 0, '--expect-within must be a number of hours')
    .optional(),
});

export interface IntakeConfig {
  command: string | undefined;
  /** The words after the command (`keys list`, `staff remove 3`, a file). */
  args: string[];
  flags: ReturnType<typeof parseFlags>['values'];
  numbers: z.infer<typeof flagNumbers>;
  env: IntakeEnv;
  /** The intake folder: --dir, $UTVAG_INTAKE_DIR, else defaultIntakeDir(). */
  dir: string;
  /** Days closed requests are kept: --retention-days, $UTVAG_RETENTION_DAYS, else the default. */
  retentionDays: number;
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
}

function firstProblem(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'invalid value';
}

export function parseConfig(argv: readonly string[], environment: NodeJS.ProcessEnv, defaults: { retentionDays: number }): IntakeConfig {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const env = envSchema.parse(environment);
  const retention = flagNumbers.shape['retention-days'].safeParse(values['retention-days'] ?? env.UTVAG_RETENTION_DAYS);
  if (!retention.success) throw new UsageError(firstProblem(retention.error));
  const numbers = flagNumbers.safeParse(values);
  if (!numbers.success) throw new UsageError(firstProblem(numbers.error));
  const [command, ...args] = positionals;
  return {
    command,
    args,
    flags: values,
    numbers: numbers.data,
    env,
    dir: values.dir ?? env.UTVAG_INTAKE_DIR ?? defaultIntakeDir(),
    retentionDays: retention.data ?? defaults.retentionDays,
  };
}
