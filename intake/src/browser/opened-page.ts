/**
 * What an opened request page holds, shared by the page and its forms
 * (export, reply), and how a form shows what went wrong.
 */
import type { NoteView, PageContext, RequestPageData, ThreadEntry } from '../inbox/pages.ts';
import type { OpenedRequest } from '../opened-request.ts';
import type { UnlockedVault } from './session-vault.ts';

/** What the page holds once opened: what export and reply need again. */
export interface OpenedPage {
  ctx: PageContext;
  data: RequestPageData;
  vault: UnlockedVault;
  opened: OpenedRequest;
  notes: NoteView[];
  thread: ThreadEntry[];
}

export function showFormError(form: HTMLFormElement, text: string): void {
  let box = form.querySelector<HTMLElement>('.form-error');
  if (!box) {
    box = document.createElement('p');
    box.className = 'flash error form-error';
    box.setAttribute('role', 'alert');
    form.prepend(box);
  }
  box.textContent = text;
}
