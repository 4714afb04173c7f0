/**
 * What a staff member's browser shows on an inbox page, for app.request
 * tests: the server's page (metadata only) with its content slots filled
 * the way the inbox app fills them (intake/src/browser/), by the same
 * pages.ts functions, from the stored envelopes opened with the test's
 * keys. Browser tests (tests/browser/inbox/) run the app itself.
 */
import { parse } from 'node-html-parser';
import { openEnvelopeToJson, type PrivateKeyRing } from '../../protocol/envelope-open.ts';
import type { Staff } from '../src/accounts.ts';
import { requestContent, summaryCells, type AppPageData, type NoteView, type PageContext } from '../src/inbox/pages.ts';
import { rowSummaries } from '../src/inbox/row-cues.ts';
import { inboxText } from '../src/inbox/text.ts';
import { readLeniently } from '../src/opened-request.ts';
import type { IntakeStore } from '../src/store.ts';

async function openRef(store: IntakeStore, ref: string, keys: PrivateKeyRing) {
  const row = store.get(ref);
  if (!row) throw new Error(`no request ${ref}`);
  return readLeniently(await openEnvelopeToJson(JSON.parse(row.envelope), keys));
}

/** The page as the browser shows it once the app ran; `notes` as the app opened them (none by default). */
export async function renderLikeBrowser(
  pageHtml: string,
  store: IntakeStore,
  keys: PrivateKeyRing,
  notes: NoteView[] = [],
): Promise<string> {
  const page = parse(pageHtml);
  const data = JSON.parse(page.querySelector('#inbox-page')?.textContent ?? 'null') as AppPageData | null;
  if (!data) return pageHtml;
  const body = page.querySelector('body')!;
  const lang = body.getAttribute('data-lang') === 'en' ? 'en' : 'sv';
  const staffId = Number(body.getAttribute('data-staff-id'));
  const ctx: PageContext = {
    lang,
    t: inboxText[lang],
    staff: { id: staffId, role: body.getAttribute('data-role') } as Staff,
    csrf: body.getAttribute('data-csrf') ?? null,
  };
  if (data.kind === 'request') {
    const opened = await openRef(store, data.row.ref, keys);
    const thread = await Promise.all(
      store
        .followUpsOf(data.row.ref)
        .map(async (row) => ({ at: row.receivedAt, message: (await openRef(store, row.ref, keys)).request?.message ?? '' })),
    );
    page.querySelector('#request-app')!.innerHTML = String(
      await requestContent(ctx, data.row, opened, notes, { ...data.replies, sent: [] }, thread),
    );
    page.querySelector('[data-slot="receipt"]')!.textContent = opened.request?.receipt ?? '';
  }
  if (data.kind === 'list') {
    const summaries = rowSummaries(
      await Promise.all(data.refs.map(async (ref) => ({ ref, request: (await openRef(store, ref, keys)).request }))),
    );
    for (const row of page.querySelectorAll('tr[data-ref]')) {
      const cells = summaryCells(summaries.get(row.getAttribute('data-ref') ?? '') ?? null, ctx);
      for (const name of ['language', 'method', 'cues'] as const)
        row.querySelector(`[data-cue="${name}"]`)!.innerHTML = String(await cells[name]);
    }
  }
  return page.toString();
}

/** What a person reads with JavaScript on: the body's text without the app's JSON blocks and <noscript>. */
export function visibleText(pageHtml: string): string {
  const body = parse(pageHtml).querySelector('body')!;
  for (const hidden of body.querySelectorAll('script, noscript')) hidden.remove();
  return body.textContent.replace(/\s+/g, ' ');
}
