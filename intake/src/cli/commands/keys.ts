/** Keys: make, list, protect and retire recipient keys; the receipt key; the Worker's signing key. */
import { UsageError } from '../../config.ts';
import {
  dayAfter,
  DEFAULT_KEY_DAYS,
  ensurePrivateDir,
  ensureStoreSecret,
  generateWrappedKey,
  listPlainKeyFiles,
  listWrappedKeys,
  protectPlainKeys,
  retireKeys,
  unlockVault,
} from '../../key-vault.ts';
import { ensureReceiptKey, writeSigningKeyFile } from '../../push-keys.ts';
import type { Command } from '../command.ts';

export const keygen: Command = {
  name: 'keygen',
  group: 'keys',
  usage: `  keygen [--days 90]         Make a new key pair, wrapped with the passphrase. Prints the
                             public key for recipients.json. Make the next one before the
                             current one ends (overlapping rotation).`,
  options: ['days', 'passphrase-file'],
  run: async ({ dir, config, io, passphrase }) => {
    await ensurePrivateDir(dir);
    const first = (await listWrappedKeys(dir)).length === 0;
    const secret = await passphrase(first);
    if (!first) await unlockVault(dir, secret); // the same passphrase as the other keys
    await ensureStoreSecret(dir, secret);
    const key = await generateWrappedKey(dir, secret, dayAfter(config.numbers.days ?? DEFAULT_KEY_DAYS));
    io.out(`Private key written to ${key.file}, wrapped with the passphrase.`);
    io.out('Add this to your recipient\'s "keys" in recipients.json:');
    io.out(JSON.stringify({ publicKey: key.publicKey, notAfter: key.notAfter }, null, 2));
    io.out(`kid: ${key.kid}`);
    return 0;
  },
};

export const keys: Command = {
  name: 'keys',
  group: 'keys',
  usage: `  keys list                  The keys in <dir>/keys and when each ends (no passphrase needed).
  keys protect               Wrap version-1 plain key files with the passphrase, then delete them.
  keys retire [--grace-days 60]
                             Delete private keys that ended more than the grace days ago
                             (nothing sealed to them can still arrive). Then update recipients.json.`,
  options: ['grace-days', 'passphrase-file'],
  run: async ({ dir, config, io, passphrase }) => {
    switch (config.args[0]) {
      case 'list':
        for (const key of await listWrappedKeys(dir)) io.out(`${key.kid}  ends ${key.notAfter}`);
        for (const file of await listPlainKeyFiles(dir)) io.out(`UNPROTECTED ${file}: run "keys protect"`);
        return 0;
      case 'protect': {
        const done = await protectPlainKeys(dir, await passphrase(true));
        io.out(done.length === 0 ? 'No plain key files.' : `Wrapped and deleted: ${done.join(', ')}`);
        return 0;
      }
      case 'retire': {
        const retired = await retireKeys(dir, config.numbers['grace-days'] ?? 60);
        io.out(retired.length === 0 ? 'No key to retire.' : `Retired: ${retired.join(', ')}. Remove them from recipients.json.`);
        return 0;
      }
      default:
        throw new UsageError('keys needs list, protect or retire');
    }
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
