/**
 * The phone field: digits of every script become 0–9 as they are typed,
 * one character for one, so the caret stays put and the number reads in a
 * stable order; leaving the field writes back the cleaned number
 * (phone-number.ts).
 */
import { foldPhoneCharacters, normalizePhoneNumber } from '../../../protocol/phone-number.ts';
import { contactHooks } from './hooks.ts';
import { is } from '../hooks.ts';

export interface PhoneInput {
  /** Writes the cleaned number back into the field (before sending). */
  normalize(): void;
}

export function phoneInput(form: HTMLFormElement): PhoneInput {
  const phone = form.querySelector<HTMLInputElement>(is(contactHooks.phone))!;
  phone.addEventListener('input', (event) => {
    if ((event as InputEvent).isComposing) return;
    const folded = foldPhoneCharacters(phone.value);
    if (folded === phone.value) return;
    const caret = foldPhoneCharacters(phone.value.slice(0, phone.selectionStart ?? phone.value.length)).length;
    phone.value = folded;
    phone.setSelectionRange(caret, caret);
  });
  const normalize = () => {
    phone.value = normalizePhoneNumber(phone.value);
  };
  phone.addEventListener('change', normalize);
  return { normalize };
}
