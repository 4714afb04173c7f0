/**
 * What the answer reader says when something is wrong: a secret in the
 * wrong format beside the field, anything else in the error box.
 */
import { dataTexts } from '../../client/data-texts.ts';
import { part } from './state.ts';

const problems = ['format', 'forged', 'network', 'rateLimited', 'unavailable', 'abandoned'] as const;
export type Problem = (typeof problems)[number];

export interface ReaderProblems {
  /** Hides every message and answer shown before a new look-up. */
  reset(): void;
  show(problem: Problem): void;
}

export function readerProblems(root: HTMLElement): ReaderProblems {
  const data = root.dataset;
  const input = part<HTMLInputElement>(root, '[data-reply-secret]');
  const secretError = part(root, '[data-reply-secret-error]');
  const errorBox = part(root, '[data-reply-error]');
  const errorText = part(root, '[data-reply-error-text]');
  const problemText = dataTexts(data, 'msg', problems);

  return {
    reset() {
      errorBox.hidden = true;
      part(root, '[data-reply-none]').hidden = true;
      secretError.hidden = true;
      input.removeAttribute('aria-invalid');
      part(root, '[data-reply-answers]').replaceChildren();
      part(root, '[data-write-back]').hidden = true;
      part(root, '[data-write-back-sent]').hidden = true;
      part(root, '[data-reply-status]').textContent = '';
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
