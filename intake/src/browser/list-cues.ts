/**
 * What each list row says (issue 22, part 7), computed in the browser from
 * the page's envelopes (GET /api/requests?refs=…): language, contact method,
 * answer on the site, write-back, probable duplicate. A probable duplicate:
 * another open request on the page with the same message, municipality and
 * way of contact (the no-JavaScript Back button re-sends a form). Nothing
 * opened is stored or sent anywhere.
 */
import { summaryCells, type RowSummary } from '../inbox/pages.ts';
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
  const kept: { ref: string; summary: Omit<RowSummary, 'probableDuplicate'>; sameness: string | null }[] = [];
  for (const { ref, body } of await fetchEnvelopes(data.refs, getJson)) {
    let request;
    try {
      request = (await openStored(body, ring)).request;
    } catch {
      request = null;
    }
    if (!request) continue;
    const same = [request.message, request.municipality, request.contact.method, request.contact.phone ?? '', request.role];
    kept.push({
      ref,
      summary: {
        locale: request.locale,
        method: request.contact.method,
        answerHere: request.reply !== undefined,
        followUp: request.followUpOf !== undefined,
      },
      // Compared in this page's memory only, never stored.
      sameness: request.message ? JSON.stringify(same) : null,
    });
  }
  const seen = new Map<string, number>();
  for (const { sameness } of kept) if (sameness) seen.set(sameness, (seen.get(sameness) ?? 0) + 1);
  const summaries = new Map(
    kept.map(({ ref, summary, sameness }) => [ref, { ...summary, probableDuplicate: sameness !== null && (seen.get(sameness) ?? 0) > 1 }]),
  );
  for (const row of document.querySelectorAll<HTMLTableRowElement>('tr[data-ref]')) {
    const cells = summaryCells(summaries.get(row.dataset['ref'] ?? '') ?? null, ctx);
    for (const name of ['language', 'method', 'cues'] as const) {
      const cell = row.querySelector(`[data-cue="${name}"]`);
      if (cell) await fill(cell, cells[name]);
    }
  }
}
