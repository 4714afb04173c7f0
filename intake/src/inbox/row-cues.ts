/**
 * What each list row says (issue 22, part 7): language, contact method,
 * answer on the site, write-back, probable duplicate, from the page's
 * requests as opened in the staff member's browser (browser/list-cues.ts).
 * A probable duplicate: another open request on the page with the same
 * message, municipality and way of contact (the no-JavaScript Back button
 * re-sends a form, review step 3). Compared in memory only.
 */
import type { ContactRequest } from '../../../protocol/request.ts';
import type { RowSummary } from './pages.ts';

export function rowSummaries(opened: readonly { ref: string; request: ContactRequest | null }[]): Map<string, RowSummary> {
  const kept = opened.flatMap(({ ref, request }) => {
    if (!request) return [];
    const same = [request.message, request.municipality, request.contact.method, request.contact.phone ?? '', request.role];
    const summary = {
      locale: request.locale,
      method: request.contact.method,
      answerHere: request.reply !== undefined,
      followUp: request.followUpOf !== undefined,
    };
    return [{ ref, summary, sameness: request.message ? JSON.stringify(same) : null }];
  });
  const seen = new Map<string, number>();
  for (const { sameness } of kept) if (sameness) seen.set(sameness, (seen.get(sameness) ?? 0) + 1);
  return new Map(
    kept.map(({ ref, summary, sameness }) => [ref, { ...summary, probableDuplicate: sameness !== null && (seen.get(sameness) ?? 0) > 1 }]),
  );
}
