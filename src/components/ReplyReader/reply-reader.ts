/**
 * Reads the municipality's answer in the browser (issue 14): the secret
 * typed here derives the reply key and mailbox id (slow on purpose), the
 * look-up returns sealed replies (always the same size), and each is opened
 * only if it verifies as sent by a published recipient. Nothing typed or
 * read is put in a URL or storage; leaving the page wipes it.
 *
 * Each part takes the reader's root element (the modules beside this one): the look-up
 * and deleting (lookup), one answer on the page (answer-view), the
 * follow-up (write-back) and what is said when something is wrong
 * (problems). No schema library: reply-open.ts checks what opens.
 */
import { lookup } from './lookup.ts';
import { readerProblems } from './problems.ts';
import { newReaderState, part } from './state.ts';
import { writeBack } from './write-back.ts';
import { coverWhenHidden, pageLifetime } from '../../client/page-lifetime.ts';
import { readerHooks } from './hooks.ts';
import { is } from '../hooks.ts';

const root = document.querySelector<HTMLElement>(is(readerHooks.replyReader));
if (root) enhance(root);

function enhance(root: HTMLElement): void {
  part(root, is(readerHooks.replyNojs)).hidden = true;
  part(root, is(readerHooks.replyForm)).hidden = false;

  const state = newReaderState();
  const problems = readerProblems(root);
  const input = part<HTMLInputElement>(root, is(readerHooks.replySecret));
  const answers = part(root, is(readerHooks.replyAnswers));
  const writeBackForm = part(root, is(readerHooks.writeBack));
  function wipe(): void {
    input.value = '';
    part<HTMLTextAreaElement>(root, is(readerHooks.writeBackText)).value = '';
    state.keys = null;
    state.opened = [];
    answers.replaceChildren();
    writeBackForm.hidden = true;
    part(root, is(readerHooks.writeBackSent)).hidden = true;
    part(root, is(readerHooks.replyStatus)).textContent = '';
  }
  addEventListener('pagehide', () => {
    abandonedWhileHidden = false;
    wipe();
  });

  // An opening (or a write-back) in flight when the page is hidden or left
  // is abandoned, not resumed after Back (review N4): nothing is looked up,
  // shown or sent later. Hidden, the person is told to type the number again.
  let abandonedWhileHidden = false;
  const lifetime = pageLifetime((reason) => {
    part(root, is(readerHooks.replyStatus)).textContent = '';
    if (reason === 'hidden') {
      abandonedWhileHidden = true;
      input.value = '';
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && abandonedWhileHidden) {
      abandonedWhileHidden = false;
      problems.show('abandoned');
    }
  });
  // The typed number and the answers are covered while the page is hidden, and wiped after a few minutes (N10).
  coverWhenHidden({
    parts: () => [
      ...(input.value ? [part(root, is(readerHooks.replyForm))] : []),
      ...(answers.childElementCount > 0 ? [answers] : []),
      writeBackForm,
    ],
    wipe,
    label: root.dataset.showAgain ?? '',
    note: root.dataset.covered ?? '',
  });
  lookup(root, state, problems, lifetime);
  writeBack(root, state, problems, lifetime);
}
