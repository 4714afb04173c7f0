/**
 * The municipal intake, as one command: `npm run intake -- <command>`
 * (`node utvag-intake.mjs <command>` from the bundle). The commands are a
 * table (cli/commands.ts), each with its help lines, its options and what
 * it does; the help is generated from it. config.ts parses the command
 * line and the environment once. Everything runs inside the municipality,
 * and the private key never leaves the intake folder.
 */
import { ReplyError } from '../../protocol/reply.ts';
import { GROUPS, commandContext, type Command, type Output } from './cli/command.ts';
import { COMMANDS } from './cli/commands.ts';
import { INTAKE_COMMAND } from './command-name.ts';
import { parseConfig, UsageError } from './config.ts';
import { VaultError } from './key-vault.ts';
import { RecipientsConfigError } from './recipients.ts';
import { StoreSecretError } from './keys/store-secret.ts';
import { DEFAULT_RETENTION_DAYS, StoreError } from './store.ts';

export { defaultIntakeDir, UsageError } from './config.ts';

/** Options every command takes. */
const COMMON_OPTIONS = new Set(['dir', 'help']);

/** The help text, from the table of commands. */
export function helpText(commands: readonly Command[] = COMMANDS): string {
  const groups = (Object.keys(GROUPS) as (keyof typeof GROUPS)[]).map((group) =>
    [GROUPS[group], ...commands.filter((command) => command.group === group).map((command) => command.usage)].join('\n'),
  );
  return `Utväg municipal intake (version 2: store, team inbox, keys in the team vault)

Usage: ${INTAKE_COMMAND} <command> [options]

${groups.join('\n\n')}
  help                       This text.

Options
  --dir <folder>             The intake folder (default: $UTVAG_INTAKE_DIR, else ~/.utvag-intake:
                             outside any repository).
`;
}

export async function runCli(
  argv: readonly string[],
  io: Output = { out: console.log, err: console.error },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const config = parseConfig(argv, env, { retentionDays: DEFAULT_RETENTION_DAYS });
  if (config.command === undefined || config.command === 'help') {
    io.out(helpText());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === config.command);
  if (!command) throw new UsageError(`unknown command "${config.command}"`);
  // Said, not refused: scripts pass shared options (--url, --dir) to every command.
  const allowed = new Set<string>([...COMMON_OPTIONS, ...command.options]);
  const ignored = Object.keys(config.flags).filter((name) => !allowed.has(name));
  if (ignored.length > 0) io.err(`${command.name} ignores ${ignored.map((name) => `--${name}`).join(', ')}`);
  return command.run(commandContext(config, io));
}

/** Runs the CLI as the program: its exit code, and errors as one clear message. */
export function runAsProgram(argv: readonly string[]): void {
  runCli(argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) console.error(`Error: ${error.message}\nRun "${INTAKE_COMMAND} help" for usage.`);
      else if (error instanceof ReplyError) console.error(`Error: ${error.message}`);
      else if (
        error instanceof RecipientsConfigError ||
        error instanceof VaultError ||
        error instanceof StoreError ||
        error instanceof StoreSecretError
      )
        console.error(error.message);
      else console.error(`Error: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}

// Run when executed directly (not when imported by tests); the bundle runs bin.ts.
if (import.meta.url === `file://${process.argv[1]}`) runAsProgram(process.argv.slice(2));
