/**
 * READ-ONLY reader of a version-1 file inbox (the folders the first intake
 * wrote; nothing writes them any more), for `intake import`:
 *
 *   <dir>/inbox/<request id>.json   {v: 1, receivedAt, kid, request} (+ a readable .txt)
 *   <dir>/done/…                    the same, marked done
 *   <dir>/quarantine/<sha256>.json  {receivedAt, code, body}: envelopes that could not be opened
 *
 * It moves such a folder into the store without losing anything:
 * each stored request (inbox/ and done/) is sealed again to the newest
 * recipient key, so it is kept like any received envelope (nothing readable
 * at rest), keeping its arrival time; done/ entries arrive closed (so the
 * retention period starts now); quarantine/ bodies go to the quarantine.
 * A file that cannot be read as a request is left where it is and named.
 * Plaintext files are deleted only with --delete-plaintext, and only after
 * the store has committed them.
 */
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { sealRequest } from '../../../protocol/envelope.ts';
import { keyRing, type RecipientPrivateKey } from '../../../protocol/envelope-open.ts';
import type { ContactRequest } from '../../../protocol/request.ts';
import { appendAudit } from '../audit.ts';
import type { RecipientDirectory } from '../promise.ts';
import type { IntakeStore } from '../store.ts';

/** One request file of a version-1 inbox. */
export interface StoredRequest {
  v: 1;
  receivedAt: string;
  kid: string;
  request: ContactRequest;
}

/** One file of a version-1 quarantine folder. */
export interface QuarantinedBody {
  receivedAt: string;
  code: string;
  body: string;
}

export interface ImportReport {
  imported: number;
  duplicates: number;
  quarantined: number;
  keptFiles: string[];
}

async function names(folder: string): Promise<string[]> {
  try {
    return (await readdir(folder)).sort();
  } catch {
    return [];
  }
}

export async function importFileInbox(
  dir: string,
  store: IntakeStore,
  keys: (RecipientPrivateKey & { notAfter: string; publicKey: string })[],
  recipients: RecipientDirectory,
  options: { deletePlaintext: boolean },
): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, duplicates: 0, quarantined: 0, keptFiles: [] };
  const newest = [...keys].sort((a, b) => a.notAfter.localeCompare(b.notAfter)).at(-1);
  if (!newest) throw new Error('no key to seal the imported requests to');
  const ring = keyRing(keys);
  for (const folder of ['inbox', 'done'] as const) {
    for (const name of await names(join(dir, folder))) {
      if (!name.endsWith('.json')) continue;
      const path = join(dir, folder, name);
      let stored: StoredRequest;
      let body: string;
      try {
        stored = JSON.parse(await readFile(path, 'utf8')) as StoredRequest;
        body = JSON.stringify(await sealRequest(stored.request, { kid: newest.kid, publicKey: newest.publicKey }));
      } catch {
        report.keptFiles.push(path);
        continue;
      }
      const result = await store.receive(body, ring, recipients, new Date(stored.receivedAt));
      if (result.status === 'stored') {
        report.imported++;
        appendAudit(store, 'cli', 'imported', result.ref, folder);
        if (folder === 'done') {
          store.db.prepare(`UPDATE requests SET status = 'closed', closed_at = ? WHERE ref = ?`).run(Date.now(), result.ref);
        }
      } else if (result.status === 'duplicate') {
        report.duplicates++;
      } else {
        report.keptFiles.push(path);
        continue;
      }
      if (options.deletePlaintext) {
        await unlink(path);
        await unlink(path.replace(/\.json$/, '.txt')).catch(() => undefined);
      }
    }
  }
  for (const name of await names(join(dir, 'quarantine'))) {
    const path = join(dir, 'quarantine', name);
    try {
      const entry = JSON.parse(await readFile(path, 'utf8')) as QuarantinedBody;
      store.quarantine(entry.body, entry.code, new Date(entry.receivedAt));
      report.quarantined++;
      if (options.deletePlaintext) await unlink(path);
    } catch {
      report.keptFiles.push(path);
    }
  }
  return report;
}
