/** Staff and audit (no passphrase needed): invitations, the audit chain, backups, the open list. */
import { chmod } from 'node:fs/promises';
import { Accounts } from '../../accounts.ts';
import { appendAudit, verifyAudit } from '../../audit.ts';
import { lastCheckpoint, parseCheckpoint, verifyAgainstCheckpoint } from '../../audit-checkpoint.ts';
import { UsageError } from '../../config.ts';
import { inboxText } from '../../inbox/text.ts';
import { DEFAULT_INBOX_PORT, relyingParty } from '../../service.ts';
import { describeTimeLeft } from '../../time-left.ts';
import { withStore, type Command } from '../command.ts';
import { backupStore, markBackupExpiry } from '../../store.ts';

export const staff: Command = {
  name: 'staff',
  group: 'staff',
  usage: `  staff invite --name "Anna" [--admin] [--url …]
                             Print a one-time invitation link (expires in 72 hours).
  staff list                 Staff with access (and who waits for confirmation); names are encrypted
                             at rest, so without the passphrase they read "(name encrypted)".
  staff confirm <id>         Confirm a registration: until then the person can open nothing.
  staff remove <id>          Remove someone: signed out everywhere, passkeys deleted.`,
  options: ['name', 'admin', 'url', 'port'],
  run: ({ dir, config, io }) =>
    withStore(dir, null, (store) => {
      const origin = config.flags.url ?? config.env.UTVAG_INBOX_URL ?? `http://localhost:${config.numbers.port ?? DEFAULT_INBOX_PORT}`;
      const accounts = new Accounts(store, relyingParty(origin));
      const [action, target] = config.args;
      if (action === 'invite') {
        if (!config.flags.name) throw new UsageError('staff invite needs --name');
        const person = accounts.createStaff(config.flags.name, config.flags.admin ? 'admin' : 'staff');
        const token = accounts.invite(person.id);
        appendAudit(store, 'cli', 'staff_invited', null, `staff:${person.id}`);
        io.out(
          `Invitation for ${person.name} (${person.role}, staff ${person.id}), one use, valid 72 hours:\n${relyingParty(origin).origin}/invite/${token}`,
        );
        io.out(
          `After registering, ${person.name} waits until an administrator confirms (staff confirm ${person.id}, or under Staff in the inbox).`,
        );
        return 0;
      }
      if (action === 'list') {
        for (const s of accounts.activeStaff())
          io.out(`${s.id}  ${s.role.padEnd(5)}  ${s.name}${s.confirmedAt === null ? '  (not confirmed)' : ''}`);
        return 0;
      }
      if (action === 'confirm') {
        const id = Number(target);
        if (!Number.isInteger(id) || !accounts.staff(id)) throw new UsageError('staff confirm needs a staff id (see staff list)');
        if (!accounts.confirmStaff(id)) {
          io.out(`Staff ${id} was already confirmed (or removed).`);
          return 0;
        }
        appendAudit(store, 'cli', 'staff_confirmed', null, `staff:${id}`);
        io.out(`Confirmed staff ${id}: they can open requests now.`);
        return 0;
      }
      if (action === 'remove') {
        const id = Number(target);
        if (!Number.isInteger(id) || !accounts.staff(id)) throw new UsageError('staff remove needs a staff id (see staff list)');
        accounts.removeStaff(id);
        appendAudit(store, 'cli', 'staff_removed', null, `staff:${id}`);
        io.out(`Removed staff ${id}: signed out everywhere.`);
        return 0;
      }
      throw new UsageError('staff needs invite, list, confirm or remove');
    }),
};

export const audit: Command = {
  name: 'audit',
  group: 'staff',
  usage: `  audit verify [--checkpoint '<json>']
                             Check the audit log's hash chain against a signed checkpoint (from a
                             heartbeat alert; without one, the last the store made); exit 1 on a
                             changed line, or a tail removed or rewritten since the checkpoint.`,
  options: ['checkpoint'],
  run: ({ dir, config, io }) => {
    if (config.args[0] !== 'verify') throw new UsageError('audit needs verify');
    return withStore(dir, null, (store) => {
      const verdict = verifyAudit(store);
      if (!verdict.ok) {
        io.err(`Audit log BROKEN at line ${verdict.firstBadSeq}: ${verdict.reason}. ${verdict.lines} line(s) in all.`);
        return 1;
      }
      let checkpoint;
      try {
        checkpoint = config.flags.checkpoint ? parseCheckpoint(config.flags.checkpoint) : lastCheckpoint(store);
      } catch (error) {
        throw new UsageError(`--checkpoint: ${(error as Error).message}`);
      }
      if (!checkpoint) {
        io.out(`Audit log OK: ${verdict.lines} line(s), chain intact. No checkpoint yet (serve makes one with each heartbeat).`);
        return 0;
      }
      const anchored = verifyAgainstCheckpoint(store, checkpoint);
      if (!anchored.ok) {
        io.err(`Audit log BROKEN: ${anchored.reason}.`);
        return 1;
      }
      io.out(
        `Audit log OK: ${verdict.lines} line(s), chain intact, and it holds the checkpoint of ${checkpoint.at} (line ${anchored.checkpointSeq}).`,
      );
      return 0;
    });
  },
};

export const backup: Command = {
  name: 'backup',
  group: 'staff',
  usage: `  backup <file> [--retention-days 30]
                             A consistent copy of the store while the intake runs (still unreadable
                             without the passphrase; back up keys/ and recipients.json too). The copy
                             expires after the retention period: an expired copy is refused on restore.`,
  options: ['retention-days'],
  run: ({ dir, config, io, argument }) => {
    const target = argument('a file to write the backup to');
    return withStore(dir, null, async (store) => {
      const pages = await backupStore(store, target);
      await chmod(target, 0o600);
      const expires = markBackupExpiry(target, config.retentionDays);
      io.out(`Backed up ${pages} page(s) of ${store.path} to ${target}. It expires ${expires.toISOString().slice(0, 10)}: delete it then.`);
      return 0;
    });
  },
};

export const list: Command = {
  name: 'list',
  group: 'staff',
  usage: '  list                       Counts and time left of open requests (no content).',
  options: [],
  run: ({ dir, io }) =>
    withStore(dir, null, (store) => {
      const rows = store.listOpen();
      const t = inboxText.en;
      if (rows.length === 0) io.out('No open requests.');
      for (const row of rows) {
        io.out(
          `${row.status.padEnd(11)} received ${new Date(row.receivedAt).toISOString()}  ${row.dueAt === null ? t.noPromise : describeTimeLeft(row.dueAt - Date.now(), t)}  (${row.ref})`,
        );
      }
      const review = store.openCounts().needsReview;
      const q = store.quarantineSummary();
      io.out(
        `Needs review: ${review}. Quarantine: ${q.kept} kept; ${q.byCode.map((c) => `${c.code} ${c.seen} seen, ${c.dropped} not kept`).join('; ') || 'none'}.`,
      );
      return 0;
    }),
};
