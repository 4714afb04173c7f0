/**
 * One request as plain text for the municipality's case file. Made in the
 * staff member's browser (intake/src/browser/export.ts) and downloaded
 * from there; never sent to or written by the intake. The download is
 * logged ("exported"). No node: import: the inbox app bundles it.
 */
import type { OpenedRequest } from '../opened-request.ts';
import { formatTime, type NoteView, type RowMeta, type ThreadEntry } from './pages.ts';
import { inboxText, type InboxLanguage } from './text.ts';

export function renderExport(
  row: Pick<RowMeta, 'receivedAt' | 'status' | 'claimedByName' | 'originalGone'>,
  opened: OpenedRequest,
  notes: NoteView[],
  lang: InboxLanguage,
  thread: ThreadEntry[] = [],
): string {
  const t = inboxText[lang];
  const lines: string[] = [
    `${t.product} – ${t.requestHeading}`,
    `${t.colReceived}: ${formatTime(row.receivedAt, lang)}`,
    `${t.colStatus}: ${t[`status_${row.status}`]}`,
  ];
  if (row.claimedByName) lines.push(`${t.colClaimedBy}: ${row.claimedByName}`);
  const r = opened.request;
  if (r) {
    const c = r.contact;
    lines.push(
      `${t.receiptCode}: ${r.receipt}`,
      '',
      t.howToContact,
      `  ${t.howToContact}: ${t[`method_${c.method}`]}`,
      `  ${t.phone}: ${c.phone ?? t.noPhone}`,
      `  ${t.safeTimes}: ${c.safeTimes || t.notGiven}`,
      `  ${t.voicemail}: ${c.voicemailOk ? t.yes : t.no}`,
      `  ${t.mayName} ${c.mayNameSocialServices ? t.yes : t.no}`,
      `  ${t.contactLanguage}: ${r.language || t.notGiven}`,
      `  ${t.interpreter}: ${r.interpreter ? t.yes : t.no}`,
      '',
      `${t.role}: ${t[`role_${r.role}`]}`,
      `${t.municipality}: ${r.municipality}`,
      `${t.needs}: ${r.needs.length > 0 ? r.needs.join(', ') : t.noNeeds}`,
      `${t.written}: ${r.created} (${r.locale})`,
      '',
      t.message,
      r.message ? r.message.replace(/^/gm, '  ') : `  ${t.noMessage}`,
    );
  } else {
    lines.push('', t.reviewHeading, typeof opened.raw === 'string' ? opened.raw : JSON.stringify(opened.raw, null, 2));
  }
  if (row.originalGone) lines.push('', t.originalGone);
  if (thread.length > 0) lines.push('', t.thread);
  for (const entry of thread) lines.push(`  ${formatTime(entry.at, lang)}`, entry.message.replace(/^/gm, '    '));
  lines.push('', t.notes);
  for (const note of notes)
    lines.push(`  ${formatTime(note.at, lang)} · ${note.author}`, (note.text ?? t.noteLegacy).replace(/^/gm, '    '));
  if (notes.length === 0) lines.push(`  ${t.noNotes}`);
  return `${lines.join('\n')}\n`;
}
