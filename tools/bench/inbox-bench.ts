/**
 * The team inbox with many stored requests: N requests sealed to a
 * temporary key held in the store's vault and received into a temporary
 * store (outer structure only, one committed SQLite row each, as the blind
 * receiver does, issue 19), then the inbox's own work, timed as medians:
 *   list:   counts + the first page of the list (the most urgent PAGE_SIZE requests), rendered
 *   open:   one row and its envelope from the store, HPKE open (in Node here; in the
 *           browser in the inbox) + rendering the request's content
 *   lookup: the server's part of a look-up: the envelopes of a page of requests, which the
 *           browser opens to compare receipt codes (the code never reaches the server)
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sealRequest } from '../../protocol/envelope.ts';
import { importPrivateKey, keyRing, openEnvelopeToJson } from '../../protocol/envelope-open.ts';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { createRequest, type ContactRequest } from '../../protocol/request.ts';
import { listPage, PAGE_SIZE, requestContent, rowMeta } from '../../intake/src/inbox/pages.ts';
import { inboxText } from '../../intake/src/inbox/text.ts';
import { readLeniently } from '../../intake/src/opened-request.ts';
import { fixedRecipientDirectory } from '../../intake/src/promise.ts';
import { IntakeStore } from '../../intake/src/store.ts';
import { provisionDevVault } from '../dev/dev-vault.ts';

export interface InboxBenchResult {
  requests: number;
  receivePerSecond: number;
  databaseMiB: number;
  listMs: number;
  openMs: number;
  lookupMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(2));
}

export async function benchInbox(count = 10_000, log: (line: string) => void = () => undefined): Promise<InboxBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'utvag-bench-inbox-'));
  try {
    const key = await generateRecipientKeyPair();
    const store = IntakeStore.open(dir);
    await provisionDevVault(store, [{ ...key, notAfter: '2099-12-31' }]);
    const ring = keyRing([await importPrivateKey(key.privateJwk)]);
    const recipients = fixedRecipientDirectory({ [key.kid]: 'stockholm' }, { stockholm: { firstContactHours: 24 } });
    const requests: ContactRequest[] = [];
    log(`  inbox: receiving ${count} requests into the store`);
    // The receive rate is timed on the first MEASURED deliveries, one committed transaction each
    // as the receiver does; the rest are stored in batches (one transaction each) to fill the store quickly.
    const MEASURED = 500;
    let receiveMs = 0;
    const start = Date.now() - count * 1000;
    const bodies: string[] = [];
    for (let i = 0; i < count; i++) {
      const request = createRequest({
        locale: 'sv',
        role: 'self',
        municipality: 'stockholm',
        needs: ['leave-crime'],
        contact: { method: 'call', phone: '070-000 00 00', safeTimes: 'kvällar', voicemailOk: false, mayNameSocialServices: false },
        language: '',
        interpreter: false,
        message: `Benchmark ${i}`,
      });
      requests.push(request);
      bodies.push(JSON.stringify(await sealRequest(request, { kid: key.kid, publicKey: key.publicKey })));
    }
    for (let i = 0; i < MEASURED; i++) {
      const t0 = performance.now();
      await store.receive(bodies[i]!, recipients, new Date(start + i * 1000));
      receiveMs += performance.now() - t0;
    }
    for (let i = MEASURED; i < count; i += 500) {
      store.db.exec('BEGIN IMMEDIATE');
      for (let j = i; j < Math.min(count, i + 500); j++) await store.receive(bodies[j]!, recipients, new Date(start + j * 1000));
      store.db.exec('COMMIT');
    }
    const rows = store.listOpen(500, 4000);
    const t = inboxText.sv;
    const ctx = { lang: 'sv' as const, t, staff: null, csrf: 'x' };
    const listTimes: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const counts = store.openCounts();
      await listPage(ctx, store.listOpen(PAGE_SIZE, 0), Date.now(), {
        review: counts.needsReview,
        open: counts.open,
        page: 1,
        pageCount: Math.ceil(counts.open / PAGE_SIZE),
      });
      listTimes.push(performance.now() - t0);
    }
    const openTimes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const ref = rows[(i * 197) % rows.length]!.ref;
      const t0 = performance.now();
      const row = store.get(ref)!;
      // What the browser does once it has the envelope: open it and render the content.
      const opened = readLeniently(await openEnvelopeToJson(JSON.parse(row.envelope), ring));
      await requestContent(ctx, rowMeta(row), opened, [], { enabled: false, phone: null, sent: [] });
      openTimes.push(performance.now() - t0);
    }
    const lookupTimes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      store.envelopes(store.listOpen(PAGE_SIZE, (i * PAGE_SIZE) % Math.max(1, count - PAGE_SIZE)).map((row) => row.ref));
      lookupTimes.push(performance.now() - t0);
    }
    store.close();
    const size =
      (await stat(join(dir, 'intake.db'))).size +
      (await stat(join(dir, 'intake.db-wal')).then(
        (s) => s.size,
        () => 0,
      ));
    return {
      requests: count,
      receivePerSecond: Math.round(MEASURED / (receiveMs / 1000)),
      databaseMiB: Number((size / 1024 ** 2).toFixed(1)),
      listMs: median(listTimes),
      openMs: median(openTimes),
      lookupMs: median(lookupTimes),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
