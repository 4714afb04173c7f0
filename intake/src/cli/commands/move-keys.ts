/**
 * `move-keys` (issue 19): moves a store made by the passphrase-model intake
 * into the team vault (migrate/move-keys.ts). The module is imported only
 * when the command runs: it reaches the team vault and envelope opening,
 * which the rest of the CLI and the server never load.
 */
import { askPassphrase, readPassphraseFile } from '../../key-vault.ts';
import type { Command } from '../command.ts';

export const moveKeys: Command = {
  name: 'move-keys',
  group: 'keys',
  usage: `  move-keys [--passphrase-file <file>] [--recovery-code-file <file>]
                             Once, for a store made before the team vault: run it, start serve, let the
                             first administrator set up the vault in the inbox, run it again. The one
                             command that asks for the old passphrase (and the recovery code); moves the
                             keys, notes and waiting replies into the vault, then erases the
                             passphrase-wrapped files.`,
  options: ['passphrase-file', 'recovery-code-file'],
  run: async ({ dir, config, io, passphrase }) => {
    const { moveKeys: move, moveKeysSummary, MoveKeysError } = await import('../../migrate/move-keys.ts');
    const codeFile = config.flags['recovery-code-file'];
    try {
      const result = await move({
        dir,
        passphrase: () => passphrase(),
        recoveryCode: () => (codeFile ? readPassphraseFile(codeFile) : askPassphrase('Recovery code (from the recovery sheet): ')),
      });
      for (const line of moveKeysSummary(result, dir)) io.out(line);
      return 0;
    } catch (error) {
      if (error instanceof MoveKeysError) {
        io.err(error.message);
        return 1;
      }
      throw error;
    }
  },
};
