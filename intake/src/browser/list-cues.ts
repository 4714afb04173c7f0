/**
 * The list's cues (inbox/row-cues.ts), computed in the browser from the
 * page's envelopes (GET /api/requests?refs=…) and written into each row's
 * cue cells with the pages' own summaryCells. A write-back on the page
 * whose proof verifies is linked to its case (cases.ts). Nothing opened is
 * stored or sent anywhere.
 */
import { summaryCells } from '../inbox/pages.ts';
import { rowSummaries } from '../inbox/row-cues.ts';
import { linkWriteBack, openCases } from './cases.ts';
import { getJson } from './http.ts';
import { fetchEnvelopes, openStored, ringOf } from './open-request.ts';
import { fill, pageContext, pageData } from './page-words.ts';
import { unlockedVault } from './session-vault.ts';

export async function startListCues(): Promise<void> {
  const data = pageData();
  if (data?.kind !== 'list' || data.refs.length === 0) return;
  const ctx = pageContext();
  const vault = await unlockedVault();
  if (!vault) return;
  const ring = ringOf(vault);
  const opened = await Promise.all(
    (await fetchEnvelopes(data.refs, getJson)).map(async ({ ref, body }) => ({
      ref,
      request: await openStored(body, ring).then(
        (o) => o.request,
        () => null,
      ),
    })),
  );
  // Write-backs not yet in their case: linked here when their proof verifies, then the list is shown again without them.
  const writeBacks = opened.filter((o) => o.request?.followUpOf);
  if (writeBacks.length > 0) {
    const cases = await openCases(vault).catch(() => []);
    let linked = 0;
    for (const { ref, request } of writeBacks) if (await linkWriteBack(ref, request!, vault, cases).catch(() => null)) linked += 1;
    if (linked > 0) return location.reload();
  }
  const summaries = rowSummaries(opened);
  for (const row of document.querySelectorAll<HTMLTableRowElement>('tr[data-ref]')) {
    const cells = summaryCells(summaries.get(row.dataset['ref'] ?? '') ?? null, ctx);
    for (const name of ['language', 'method', 'cues'] as const) {
      const cell = row.querySelector(`[data-cue="${name}"]`);
      if (cell) await fill(cell, cells[name]);
    }
  }
}
