/**
 * The file intake's queue of written replies, so a reply is never lost when
 * the site cannot be reached: written durably before any attempt to send,
 * moved only after the Worker has it.
 *
 *   <dir>/outbox/<reply id>.json    written, not yet delivered (retried)
 *   <dir>/replies/<reply id>.json   delivered (the municipality's record)
 *   <dir>/outbox-refused/<…>.json   refused by the Worker for good, with the reason (kept for a person)
 *
 * Files are 0600 in 0700 folders; written to a temp name, fsync'd, renamed,
 * folder fsync'd. The team inbox may keep its own queue and call
 * deliverReply() instead.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { deliverReply, type DeliveryResult } from './reply-delivery.ts';
import { loadReplySender, type OutgoingReply } from './reply-writer.ts';

export const OUTBOX = 'outbox';
export const DELIVERED = 'replies';
export const REFUSED = 'outbox-refused';

async function ensureFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}

async function fsyncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeDurably(folder: string, name: string, content: string): Promise<void> {
  await ensureFolder(folder);
  const temp = join(folder, `.${randomUUID()}.part`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, join(folder, name));
  await fsyncDir(folder);
}

/** Keeps a written reply in the outbox. Returns only once it is on disk. */
export async function enqueueReply(dir: string, outgoing: OutgoingReply): Promise<string> {
  const file = `${outgoing.replyId}.json`;
  await writeDurably(join(dir, OUTBOX), file, `${JSON.stringify(outgoing, null, 2)}\n`);
  return join(dir, OUTBOX, file);
}

/** Replies waiting to be delivered, oldest first. */
export async function pendingReplies(dir: string): Promise<OutgoingReply[]> {
  let names: string[];
  try {
    names = (await readdir(join(dir, OUTBOX))).filter((name) => name.endsWith('.json') && !name.startsWith('.'));
  } catch {
    return [];
  }
  const replies = await Promise.all(
    names.map(async (name) => {
      try {
        return JSON.parse(await readFile(join(dir, OUTBOX, name), 'utf8')) as OutgoingReply;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null; // delivered meanwhile
        throw error;
      }
    }),
  );
  return replies.filter((r): r is OutgoingReply => r !== null).sort((a, b) => a.writtenAt.localeCompare(b.writtenAt));
}

async function moveOut(dir: string, outgoing: OutgoingReply, folder: string, extra: Record<string, unknown>): Promise<void> {
  await writeDurably(join(dir, folder), `${outgoing.replyId}.json`, `${JSON.stringify({ ...outgoing, ...extra }, null, 2)}\n`);
  // Another deliverer (a second `deliver-replies`, the receiver's loop) may
  // have moved it already: delivery is idempotent, so that is fine.
  await unlink(join(dir, OUTBOX, `${outgoing.replyId}.json`)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await fsyncDir(join(dir, OUTBOX));
}

export interface OutboxSummary {
  delivered: number;
  waiting: number;
  refused: { receipt: string; reason: string }[];
  /** Why the waiting ones wait (the last reason seen). */
  lastRetryReason?: string;
}

/** Tries every waiting reply once. Delivered ones move to replies/, refused ones to outbox-refused/. */
export async function deliverOutbox(
  dir: string,
  siteUrl: string,
  options: { fetch?: typeof fetch; now?: () => Date } = {},
): Promise<OutboxSummary> {
  const summary: OutboxSummary = { delivered: 0, waiting: 0, refused: [] };
  for (const outgoing of await pendingReplies(dir)) {
    let result: DeliveryResult;
    try {
      result = await deliverReply(outgoing, await loadReplySender(dir, outgoing.reply.kid), siteUrl, options);
    } catch (error) {
      result = { status: 'retry', reason: (error as Error).message };
    }
    if (result.status === 'delivered') {
      await moveOut(dir, outgoing, DELIVERED, { deliveredAt: new Date().toISOString() });
      summary.delivered++;
    } else if (result.status === 'refused') {
      await moveOut(dir, outgoing, REFUSED, { refusedAt: new Date().toISOString(), reason: result.reason });
      summary.refused.push({ receipt: outgoing.receipt, reason: result.reason });
    } else {
      summary.waiting++;
      summary.lastRetryReason = result.reason;
    }
  }
  return summary;
}

