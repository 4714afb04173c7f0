/**
 * What the answer reader says when something is wrong: a secret in the
 * wrong format beside the field, anything else in the error box.
 */
import { dataTexts } from '../../client/data-texts.ts';
import { part } from './state.ts';
import { readerHooks } from './hooks.ts';
import { is } from '../hooks.ts';

const problems = ['format', 'forged', 'network', 'rateLimited', 'unavailable', 'abandoned'] as const;
export type Problem = (typeof problems)[number];

export interface ReaderProblems {
  /** Hides every message and answer shown before a new look-up. */
  reset(): void;
  show(problem: Problem): void;
}

export function readerProblems(root: HTMLElement): ReaderProblems {
  const data = root.dataset;
  const input = part<HTMLInputElement>(root, is(readerHooks.replySecret));
  const secretError = part(root, is(readerHooks.replySecretError));
  const errorBox = part(root, is(readerHooks.replyError));
  const errorText = part(root, is(readerHooks.replyErrorText));
  const problemText = dataTexts(data, 'msg', problems);

  return {
    reset() {
      errorBox.hidden = true;
      part(root, is(readerHooks.replyNone)).hidden = true;
      secretError.hidden = true;
      input.removeAttribute('aria-invalid');
      part(root, is(readerHooks.replyAnswers)).replaceChildren();
      part(root, is(readerHooks.writeBack)).hidden = true;
      part(root, is(readerHooks.writeBackSent)).hidden = true;
      part(root, is(readerHooks.replyStatus)).textContent = '';
    },
    show(problem) {
      if (problem === 'format') {
        secretError.textContent = problemText.format;
        secretError.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      errorText.textContent = problemText[problem];
      errorBox.hidden = false;
      errorBox.focus();
    },
  };
}
