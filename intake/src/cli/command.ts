/**
 * One CLI command: its name, its lines in the help, the options it takes,
 * and what it does with the parsed configuration (config.ts). The table of
 * commands is cli/commands.ts; help is generated from it.
 */
import { obtainPassphrase } from '../key-vault.ts';
import { loadRecipientDirectory, NO_RECIPIENTS, type RecipientDirectory } from '../promise.ts';
import { UsageError, type IntakeConfig, type OptionName } from '../config.ts';
import { join } from 'node:path';
import { IntakeStore } from '../store.ts';

export type Output = { out: (line: string) => void; err: (line: string) => void };

export const GROUPS = {
  keys: 'Keys (no passphrase: the recipient keys are made and kept in the team vault)',
  recipients: 'Recipients file',
  running: 'Running',
  watching: 'Watching (alerts on stderr and the alert channel, exit 1)',
  staff: 'Staff and audit (no passphrase needed)',
  replies: 'The way back (issue 14)',
} as const;

export interface CommandContext {
  config: IntakeConfig;
  io: Output;
  /** The intake folder. */
  dir: string;
  /** The passphrase: --passphrase-file, $UTVAG_INTAKE_PASSPHRASE_FILE, $CREDENTIALS_DIRECTORY, or asked. */
  passphrase: (confirm?: boolean) => Promise<string>;
  /** The recipients file (--recipients, $UTVAG_RECIPIENTS_FILE, <dir>/recipients.json), or none with a warning. */
  recipients: () => Promise<RecipientDirectory>;
  /** The word after the command (`keys list`), or a usage error naming what is missing. */
  argument: (what: string) => string;
}

export interface Command {
  name: string;
  group: keyof typeof GROUPS;
  /** Its lines in the help text, as printed. */
  usage: string;
  /** The options it reads, besides --dir and --help. */
  options: readonly OptionName[];
  run: (ctx: CommandContext) => Promise<number>;
}

export function commandContext(config: IntakeConfig, io: Output): CommandContext {
  const passphraseFile = config.flags['passphrase-file'] ?? config.env.UTVAG_INTAKE_PASSPHRASE_FILE;
  return {
    config,
    io,
    dir: config.dir,
    passphrase: (confirm = false) =>
      obtainPassphrase({
        ...(passphraseFile ? { file: passphraseFile } : {}),
        ...(config.env.CREDENTIALS_DIRECTORY ? { credentialsDirectory: config.env.CREDENTIALS_DIRECTORY } : {}),
        confirm,
      }),
    recipients: async () => {
      const file = config.flags.recipients;
      const path = file ?? config.env.UTVAG_RECIPIENTS_FILE ?? join(config.dir, 'recipients.json');
      try {
        return await loadRecipientDirectory(path);
      } catch (error) {
        if (file) throw new UsageError(`cannot read --recipients ${file}: ${(error as Error).message}`);
        io.err(`No recipients file at ${path}: no promise configured, so the inbox shows no clock. Give --recipients.`);
        return NO_RECIPIENTS;
      }
    },
    argument: (what) => {
      const word = config.args[0];
      if (!word) throw new UsageError(`${config.command} needs ${what}`);
      return word;
    },
  };
}

/** Runs `work` with the store open (with the store secret when given), and closes it after. */
export async function withStore<T>(dir: string, storeSecret: Buffer | null, work: (store: IntakeStore) => Promise<T> | T): Promise<T> {
  const store = IntakeStore.open(dir, storeSecret);
  try {
    return await work(store);
  } finally {
    store.close();
  }
}
