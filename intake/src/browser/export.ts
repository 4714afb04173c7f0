/**
 * Export for the case file, made in the browser: the same text as
 * inbox/export.ts, downloaded through a Blob URL (revoked at once), then
 * POST /api/r/:ref/exported for the audit line. The intake never sees it.
 */
import { renderExport } from '../inbox/export.ts';
import { postJson } from './http.ts';
import { showFormError, type OpenedPage } from './opened-page.ts';

export function startExport(page: OpenedPage, slot: Element): void {
  const form = slot.querySelector<HTMLFormElement>('form[data-form="export"]');
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      try {
        const ref = page.data.row.ref;
        const text = renderExport(page.data.row, page.opened, page.notes, page.ctx.lang, page.thread);
        await postJson(`/api/r/${encodeURIComponent(ref)}/exported`, {});
        const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
        const link = document.createElement('a');
        link.href = url;
        link.download = `utvag-${ref}.txt`;
        link.hidden = true;
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 0);
      } catch {
        showFormError(form, page.ctx.t.faultSave);
      }
    })();
  });
}
