/**
 * The browser half of the inbox bench in Chromium (inbox-browser.ts
 * bundles it with esbuild): the inbox app's own functions, timed with
 * performance.now() in the page.
 *   open: an envelope already in memory (the fetch excluded) opened with
 *         the recipient key (openStored, as the request page does) and its
 *         content rendered into the page (requestContent, fill), up to
 *         style and layout done;
 *   list: rows of metadata in memory rendered with listPage, put into the
 *         page, up to style and layout done (no envelope opened): one
 *         page of the list as the inbox shows it (PAGE_SIZE rows of the
 *         10,000 and the pager), and all 10,000 in one table.
 */
import type { Staff } from '../../intake/src/accounts.ts';
import { openStored } from '../../intake/src/browser/open-request.ts';
import { fill } from '../../intake/src/browser/page-words.ts';
import { listPage, requestContent, type PageContext } from '../../intake/src/inbox/pages.ts';
import { inboxText } from '../../intake/src/inbox/text.ts';
import type { RequestRow, RequestStatus } from '../../intake/src/store/requests.ts';
import { importPrivateKey, keyRing } from '../../protocol/envelope-open.ts';

const HOUR = 3_600_000;
const ctx: PageContext = { lang: 'sv', t: inboxText.sv, staff: { id: 1, role: 'staff' } as Staff, csrf: 'bench' };
const statuses: RequestStatus[] = ['new', 'claimed', 'contacted', 'unreachable'];

function row(i: number, now: number): RequestRow {
  const claimed = i % 3 !== 0;
  return {
    ref: `bench-${i.toString(36).padStart(6, '0')}`,
    kid: 'bench',
    recipient: 'stockholm',
    envelope: '',
    receivedAt: now - (i % 48) * HOUR,
    dueAt: i % 10 === 0 ? null : now + ((i % 30) - 5) * HOUR,
    status: claimed ? statuses[1 + (i % 3)]! : 'new',
    fits: true,
    claimedBy: claimed ? 1 : null,
    claimedByName: claimed ? 'Anna Andersson' : null,
    claimedAt: claimed ? now - HOUR : null,
    closedAt: null,
    updatedAt: now,
    followUpOf: null,
    followUps: i % 17 === 0 ? 1 : 0,
    lastFollowUpAt: null,
    originalGone: false,
  };
}

/** Style and layout of everything in the page, done now (what the first paint waits for). */
function layoutNow(): number {
  return document.body.getBoundingClientRect().height;
}

async function open(envelopes: string[], privateJwk: unknown): Promise<number[]> {
  // The key is unlocked once per page (session-vault.ts); opening a request starts after that.
  const ring = keyRing([await importPrivateKey(privateJwk)]);
  const slot = document.getElementById('request-app')!;
  const times: number[] = [];
  const now = Date.now();
  for (const [i, envelope] of envelopes.entries()) {
    slot.replaceChildren();
    layoutNow();
    const t0 = performance.now();
    const opened = await openStored(envelope, ring);
    await fill(slot, requestContent(ctx, row(i, now), opened, [], { enabled: true, phone: null, sent: [] }));
    layoutNow();
    times.push(performance.now() - t0);
    if (!slot.querySelector('.safe-contact')) throw new Error('the request did not render');
  }
  return times;
}

/** `count` requests, `shown` of them on the page: PAGE_SIZE as the inbox pages its list, or all of them in one table. */
async function list(count: number, shown: number, runs: number): Promise<number[]> {
  const slot = document.getElementById('list-app')!;
  const times: number[] = [];
  const now = Date.now();
  const rows = Array.from({ length: shown }, (_, i) => row(i, now));
  for (let r = 0; r < runs; r++) {
    slot.replaceChildren();
    layoutNow();
    const t0 = performance.now();
    const page = String(await listPage(ctx, rows, now, { review: 0, open: count, page: 1, pageCount: Math.ceil(count / shown) }));
    slot.innerHTML = page.slice(page.indexOf('>', page.indexOf('<body')) + 1, page.lastIndexOf('</body>'));
    layoutNow();
    times.push(performance.now() - t0);
    if (slot.querySelectorAll('table.requests tbody tr').length !== shown) throw new Error('the list did not render');
  }
  return times;
}

Object.assign(window, { inboxBench: { open, list } });
