/**
 * The contact form's error summary and the errors beside each field: what
 * to fix, or why sending failed, in the page's language (the texts are in
 * the form's data-* attributes). The summary links to each field with its
 * label or legend in view (the GOV.UK pattern).
 */
import { fieldProblemString, type FieldName, type FieldProblem } from '../../contact/form-fields.ts';
import { dataTexts } from '../../client/data-texts.ts';
import { contactHooks } from './hooks.ts';
import { is } from '../hooks.ts';

const errorKinds = [
  'network',
  'unavailable',
  'notConnected',
  'rateLimited',
  'encrypt',
  'keyRefused',
  'tooLong',
  'invalid',
  'replySecret',
  'abandoned',
] as const;
export type ErrorKind = (typeof errorKinds)[number];

export interface FormErrors {
  /** Hides the summary and every field error. */
  clear(): void;
  /** Shows the summary with what happened, and moves focus there. */
  showForm(kind: ErrorKind): void;
  /** Shows an error beside a field and links to it from the summary. */
  showField(field: FieldName, text: string): void;
  /** Shows why a field needs fixing, said the same on both paths (form-fields.ts). */
  showProblem(field: FieldName, problem: FieldProblem): void;
  /** The text for an error kind. */
  text(kind: ErrorKind): string;
}

export function formErrors(form: HTMLFormElement): FormErrors {
  const data = form.dataset;
  // Outside the form, so it is heard while the form is hidden (on success).
  const status = document.querySelector<HTMLElement>(is(contactHooks.formStatus))!;
  const title = form.querySelector<HTMLElement>(is(contactHooks.formErrorTitle))!;
  const summary = form.querySelector<HTMLElement>(is(contactHooks.formError))!;
  const summaryText = form.querySelector<HTMLElement>(is(contactHooks.formErrorText))!;
  const fieldList = form.querySelector<HTMLElement>(is(contactHooks.formErrorFields))!;
  const callDetails = form.querySelector<HTMLElement>(is(contactHooks.callDetails))!;

  const errorText = dataTexts(data, 'error', errorKinds);
  const problemText = dataTexts(data, 'error', Object.keys(fieldProblemString) as FieldProblem[]);

  // An error summary link goes to its field with the field's label or
  // legend in view, not cut off above the window.
  fieldList.addEventListener('click', (event) => {
    const link = (event.target as Element).closest<HTMLAnchorElement>('a[href^="#"]');
    const input = link ? document.getElementById(link.hash.slice(1)) : null;
    if (!input) return;
    event.preventDefault();
    const legend = input.closest('fieldset')?.querySelector('legend');
    const label = legend ?? form.querySelector(`label[for="${CSS.escape(input.id)}"]`);
    (label ?? input).scrollIntoView({ block: 'start' });
    input.focus({ preventScroll: true });
  });

  function showField(field: FieldName, text: string): void {
    const slot = form.querySelector<HTMLElement>(`[${contactHooks.errorFor}="${field}"]`);
    const input = form.querySelector<HTMLElement>(`[name="${field}"]`);
    if (slot) {
      slot.textContent = text;
      slot.hidden = false;
    }
    input?.setAttribute('aria-invalid', 'true');
    if (field === 'phone') callDetails.hidden = false;
    // The summary links to the field, so a phone user gets there in one tap.
    if (input?.id) {
      const link = document.createElement('a');
      link.href = `#${input.id}`;
      link.textContent = text;
      const item = document.createElement('li');
      item.append(link);
      fieldList.append(item);
    }
  }

  return {
    clear() {
      summary.hidden = true;
      summaryText.textContent = '';
      fieldList.replaceChildren();
      for (const el of form.querySelectorAll<HTMLElement>(is(contactHooks.errorFor))) {
        el.hidden = true;
        el.textContent = '';
      }
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    },
    showForm(kind) {
      // Answers to fix are not a failure to send: say which it is.
      const toFix = kind === 'invalid' || kind === 'tooLong';
      title.textContent = (toFix ? title.dataset.titleInvalid : title.dataset.titleFailed) ?? '';
      status.textContent = ''; // "sending …" is over; the focused summary says what happened
      summaryText.textContent = errorText[kind];
      summary.hidden = false;
      summary.focus();
    },
    showField,
    showProblem: (field, problem) => showField(field, problemText[problem]),
    text: (kind) => errorText[kind],
  };
}
