/**
 * Reads the municipality's answer in the browser (issue 14): the secret
 * typed here derives the reply key and mailbox id (slow on purpose), the
 * look-up returns sealed replies (always the same size), and each is opened
 * only if it verifies as sent by a published recipient. Nothing typed or
 * read is put in a URL or storage; leaving the page wipes it.
 *
 * Each part takes the reader's root element (reply-reader/): the look-up
 * and deleting (lookup), one answer on the page (answer-view), the
 * follow-up (write-back) and what is said when something is wrong
 * (problems). No schema library: reply-open.ts checks what opens.
 */
import { lookup } from './reply-reader/lookup.ts';
import { readerProblems } from './reply-reader/problems.ts';
import { newReaderState, part } from './reply-reader/state.ts';
import { writeBack } from './reply-reader/write-back.ts';

const root = document.querySelector<HTMLElement>('[data-reply-reader]');
if (root) enhance(root);

function enhance(root: HTMLElement): void {
  part(root, '[data-reply-nojs]').hidden = true;
  part(root, '[data-reply-form]').hidden = false;

  const state = newReaderState();
  const problems = readerProblems(root);
  addEventListener('pagehide', () => {
    part<HTMLInputElement>(root, '[data-reply-secret]').value = '';
    part<HTMLTextAreaElement>(root, '[data-write-back-text]').value = '';
    state.keys = null;
    state.opened = [];
    part(root, '[data-reply-answers]').replaceChildren();
  });
  lookup(root, state, problems);
  writeBack(root, state, problems);
}
