/**
 * The contact form's JavaScript path: build the request, encrypt it here in
 * the browser with the recipient's public key, and send only the envelope
 * {v,kid,enc,ct}. Whatever goes wrong, every answer stays in the form and
 * the person is told, in their language, what to do. Nothing typed is ever
 * written to storage, cookies or the URL; the request lives only in memory.
 *
 * Each part takes the form element (the modules beside this one): who reads it
 * (recipient-line), how to answer (reply-choice), the phone field
 * (phone-input), the message counter, errors (form-errors), the receipt
 * and sending (send). No schema library: the request is checked with
 * request-check.ts, on the limits the Worker and the intake use.
 */
import { formErrors } from './form-errors.ts';
import { messageCounter } from './message-counter.ts';
import { phoneInput } from './phone-input.ts';
import { receipt } from './receipt.ts';
import { recipientLine } from './recipient-line.ts';
import { replyChoice } from './reply-choice.ts';
import { send } from './send.ts';
import { contactHooks } from './hooks.ts';
import { is } from '../hooks.ts';

const form = document.querySelector<HTMLFormElement>('form[data-contact-form]');
if (form) enhance(form);

function enhance(form: HTMLFormElement): void {
  // This path encrypts here, on the device: say so (the page says the
  // server does it, which is what happens without JavaScript).
  const encryptionNote = form.querySelector<HTMLElement>(is(contactHooks.encryptionNote));
  if (encryptionNote?.dataset.jsText) encryptionNote.textContent = encryptionNote.dataset.jsText;

  const counter = messageCounter(form);
  const choice = replyChoice(form);
  const phone = phoneInput(form);
  const errors = formErrors(form);
  recipientLine(form);
  send(form, { errors, phone, replyChoice: choice, receipt: receipt(form), counter });
}
