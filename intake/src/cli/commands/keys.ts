/**
 * Keys: list the recipient's public keys (made in the browser when the team
 * vault is set up, issue 19; the server keeps them only wrapped under the
 * vault key) for recipients.json; the receipt key; the Worker's signing key.
 */
import { UsageError } from '../../config.ts';
import { ensurePrivateDir } from '../../keys/owner-only-files.ts';
import { ensureReceiptKey, writeSigningKeyFile } from '../../push-keys.ts';
import { withStore, type Command } from '../command.ts';

export const keys: Command = {
  name: 'keys',
  group: 'keys',
  usage: `  keys [list]                The recipient's public keys (made in the team inbox: at setup, and
                             by an administrator under Keys) and when each ends, as
                             recipients.json wants them. Publish the ones not retired.`,
  options: [],
  run: async ({ dir, config, io }) => {
    if (config.args[0] !== undefined && config.args[0] !== 'list') throw new UsageError('keys takes only "list"');
    return withStore(dir, null, (store) => {
      const all = store.vault.keys();
      if (all.length === 0) {
        io.out('No keys yet: the first administrator makes them when setting up the team vault in the inbox.');
        return 0;
      }
      for (const key of all) io.out(`${key.kid}  ends ${key.notAfter}${key.retiredAt === null ? '' : '  (retired: do not publish)'}`);
      const current = all.filter((key) => key.retiredAt === null).map(({ publicKey, notAfter }) => ({ publicKey, notAfter }));
      io.out('For your recipient\'s "keys" in recipients.json:');
      io.out(JSON.stringify(current, null, 2));
      return 0;
    });
  },
};

export const receiptKey: Command = {
  name: 'receipt-key',
  group: 'keys',
  usage: `  receipt-key                Make this receiver's receipt key (once) in <dir>; print its
                             public key for recipients.json (push.receiptPublicKey).`,
  options: [],
  run: async ({ dir, io }) => {
    await ensurePrivateDir(dir);
    const publicKey = await ensureReceiptKey(dir);
    io.out('Add this to your recipient\'s "push" in recipients.json:');
    io.out(JSON.stringify({ receiptPublicKey: publicKey }));
    return 0;
  },
};

export const workerKey: Command = {
  name: 'worker-key',
  group: 'keys',
  usage: `  worker-key --out <file>    For the site's operator: make the Worker's push signing key in
                             <file> (owner-only) for \`wrangler secret put INTAKE_PUSH_SIGNING_KEY\`;
                             print its public key for every receiver.`,
  options: ['out'],
  run: async ({ config, io }) => {
    const out = config.flags.out;
    if (!out) throw new UsageError('worker-key needs --out <file> (a new file, outside any repository)');
    const publicKey = await writeSigningKeyFile(out);
    io.out(`Private key written to ${out} (owner-only). Store it with:`);
    io.out(`  npx wrangler secret put INTAKE_PUSH_SIGNING_KEY < ${out}`);
    io.out('Give every receiver this public key (INTAKE_WORKER_PUBLIC_KEYS):');
    io.out(publicKey);
    return 0;
  },
};
