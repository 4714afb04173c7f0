/**
 * The contact form's JavaScript path: build the request, encrypt it here in
 * the browser with the recipient's public key, and send only the envelope
 * {v,kid,enc,ct}. Whatever goes wrong, every answer stays in the form and
 * the person is told, in their language, what to do. Nothing typed is ever
 * written to storage, cookies or the URL; the request lives only in memory.
 */
import { readContactForm, fieldProblems, issuePathsOf, type FieldName, type FieldProblem } from '../contact/form-fields.ts';
import { createRequest, type ContactRequest, type ContactRequestInput } from '../../protocol/request.ts';
import { sealRequest, measureRequest, EnvelopeError } from '../../protocol/envelope.ts';
import { chooseKey, keySetSchema, servingRecipient, type KeySet } from '../../protocol/key-set.ts';
import { receiptNextStep, spokenReceiptCode } from '../contact/receipt-display.ts';
import { shortFingerprint } from '../../protocol/key-fingerprint.ts';
import { foldPhoneCharacters, normalizePhoneNumber } from '../../protocol/phone-number.ts';

import { formatReplySecret, generateReplySecret } from '../../protocol/reply-secret.ts';
import { deriveReplyKeys } from '../../protocol/reply-keys.ts';

type ErrorKind = 'network' | 'unavailable' | 'notConnected' | 'rateLimited' | 'encrypt' | 'tooLong' | 'invalid' | 'replySecret';

const form = document.querySelector<HTMLFormElement>('form[data-contact-form]');
if (form) enhance(form);

function enhance(form: HTMLFormElement): void {
  const data = form.dataset;
  const submitButton = form.querySelector<HTMLButtonElement>('[data-submit]')!;
  // Outside the form, so it is heard while the form is hidden (on success).
  const status = document.querySelector<HTMLElement>('[data-form-status]')!;
  const formErrorTitle = form.querySelector<HTMLElement>('[data-form-error-title]')!;
  const phone = form.querySelector<HTMLInputElement>('[data-phone]')!;
  const phoneNeeded = form.querySelector<HTMLElement>('[data-phone-needed]');
  const formError = form.querySelector<HTMLElement>('[data-form-error]')!;
  const formErrorText = form.querySelector<HTMLElement>('[data-form-error-text]')!;
  const receipt = document.querySelector<HTMLElement>('[data-receipt]')!;
  const message = form.querySelector<HTMLTextAreaElement>('#message')!;
  const counter = form.querySelector<HTMLElement>('[data-message-count-output]')!;
  const fieldList = form.querySelector<HTMLElement>('[data-form-error-fields]')!;
  const municipality = form.querySelector<HTMLSelectElement>('#municipality')!;
  const recipientLine = form.querySelector<HTMLElement>('[data-recipient-line]')!;
  const callDetails = form.querySelector<HTMLElement>('[data-call-details]')!;
  const encryptionNote = form.querySelector<HTMLElement>('[data-encryption-note]');
  const keyLine = form.querySelector<HTMLElement>('[data-key-fingerprint]');
  const receiptKeyLine = receipt.querySelector<HTMLElement>('[data-receipt-key]');

  /** Shows a key's short fingerprint in a line (or hides it), so people can compare it with the intake's. */
  const showFingerprint = (line: HTMLElement | null, kid: string | null) => {
    if (!line) return;
    line.querySelector('[data-fingerprint]')!.textContent = kid ? shortFingerprint(kid) : '';
    line.hidden = !kid;
  };

  // This path encrypts here, on the device: say so (the page says the
  // server does it, which is what happens without JavaScript).
  if (encryptionNote?.dataset.jsText) encryptionNote.textContent = encryptionNote.dataset.jsText;

  const errorText: Record<ErrorKind, string> = {
    network: data.errorNetwork ?? '',
    unavailable: data.errorUnavailable ?? '',
    notConnected: data.errorNotConnected ?? '',
    rateLimited: data.errorRateLimited ?? '',
    encrypt: data.errorEncrypt ?? '',
    tooLong: data.errorTooLong ?? '',
    invalid: data.errorInvalid ?? '',
    replySecret: data.errorReplySecret ?? '',
  };

  // A retry of unchanged answers reuses the same request (same id and
  // receipt code), so if an earlier try did arrive, the intake keeps one.
  let pending: { answers: string; request: ContactRequest } | null = null;
  // The reply secret of this request (issue 14): made once, kept in memory
  // only, reused by a retry, shown once on the receipt, wiped on pagehide.
  let replySecret: { secret: string; address: NonNullable<ContactRequest['reply']> } | null = null;
  let keySet: Promise<KeySet> | null = null;
  let sending = false;

  const updateCounter = () => {
    const left = message.maxLength - message.value.length;
    counter.textContent = (data.messageCount ?? '').replace('{count}', String(left)).replace('{max}', String(message.maxLength));
  };
  message.addEventListener('input', updateCounter);
  updateCounter();

  // "Answer me here on the site" needs this script: show it now.
  for (const el of form.querySelectorAll<HTMLElement>('[data-needs-js]')) el.hidden = false;
  const replyHereChoice = form.querySelector<HTMLElement>('[data-reply-here]')!;

  // Phone, times and voicemail only matter when the municipality calls or texts.
  const chosenMethod = () => (new FormData(form).get('method') as string | null) ?? 'i-call';
  const updateCallDetails = () => {
    const needsPhone = chosenMethod() !== 'i-call' && chosenMethod() !== 'here';
    callDetails.hidden = !needsPhone;
    // Say that the number is needed while a call or an sms is chosen (m14).
    if (needsPhone) phone.setAttribute('aria-required', 'true');
    else phone.removeAttribute('aria-required');
    if (phoneNeeded) phoneNeeded.hidden = !needsPhone;
    // "Also answer me here" is implied by "only here".
    replyHereChoice.hidden = chosenMethod() === 'here';
  };
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLInputElement).name === 'method') updateCallDetails();
  });
  const wantsReplyHere = () => chosenMethod() === 'here' || new FormData(form).get('replyHere') === 'yes';

  /** The reply address for this request: the secret made once, its keys derived (slow, on purpose). */
  async function replyAddress(): Promise<NonNullable<ContactRequest['reply']>> {
    if (!replySecret) {
      const secret = generateReplySecret();
      const keys = await deriveReplyKeys(secret);
      replySecret = { secret, address: { publicKey: keys.publicKey, mailbox: keys.mailbox } };
    }
    return replySecret.address;
  }
  // Leaving the page wipes the secret from it (and from this script's memory).
  addEventListener('pagehide', () => {
    replySecret = null;
    receipt.querySelector<HTMLElement>('[data-receipt-secret-value]')!.textContent = '';
  });
  updateCallDetails();

  // Digits of every script become 0–9 as they are typed, one character for
  // one, so the caret stays put and the number reads in a stable order;
  // leaving the field writes back the cleaned number (phone-number.ts).
  phone.addEventListener('input', (event) => {
    if ((event as InputEvent).isComposing) return;
    const folded = foldPhoneCharacters(phone.value);
    if (folded === phone.value) return;
    const caret = foldPhoneCharacters(phone.value.slice(0, phone.selectionStart ?? phone.value.length)).length;
    phone.value = folded;
    phone.setSelectionRange(caret, caret);
  });
  phone.addEventListener('change', () => {
    phone.value = normalizePhoneNumber(phone.value);
  });

  // An error summary link goes to its field with the field's label or
  // legend in view, not cut off above the window (the GOV.UK pattern).
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

  // A link from a municipality's page (?kommun=<id>) chooses it, if it is connected.
  const wanted = new URLSearchParams(location.search).get('kommun');
  const wantedOption = wanted ? municipality.querySelector<HTMLOptionElement>(`option[value="${CSS.escape(wanted)}"]`) : null;
  if (wantedOption && !wantedOption.disabled) municipality.value = wantedOption.value;

  // Say who will read it and what they have promised; with no recipient
  // for the choice there is nothing to send to: no send button (no default).
  const notConnectedNote = form.querySelector<HTMLElement>('[data-not-connected-note]');
  const updateRecipient = async () => {
    try {
      const keys = await loadKeySet();
      const serving = servingRecipient(keys, municipality.value);
      const name = serving && municipality.value !== 'unknown' ? municipality.selectedOptions[0]?.textContent : null;
      recipientLine.textContent = name ? (recipientLine.dataset.template ?? '').replace('{name}', name) : '';
      recipientLine.hidden = !name;
      for (const block of form.querySelectorAll<HTMLElement>('[data-recipient-promise]')) {
        block.hidden = block.dataset.recipientPromise !== serving?.id;
      }
      if (notConnectedNote) notConnectedNote.hidden = serving !== null;
      submitButton.hidden = serving === null;
      showFingerprint(keyLine, serving ? (chooseKey(keys, municipality.value)?.kid ?? null) : null);
    } catch {
      recipientLine.hidden = true; // offline now: the send step will say so
      showFingerprint(keyLine, null);
    }
  };
  municipality.addEventListener('change', () => void updateRecipient());
  void updateRecipient();

  function loadKeySet(): Promise<KeySet> {
    keySet ??= fetch('/intake-keys.json', { cache: 'no-store', credentials: 'omit' })
      .then((res) => {
        if (!res.ok) throw new Error(`key set ${res.status}`);
        return res.json();
      })
      .then((json) => keySetSchema.parse(json))
      .catch((error: unknown) => {
        keySet = null; // try again next time
        throw error;
      });
    return keySet;
  }

  function clearErrors(): void {
    formError.hidden = true;
    formErrorText.textContent = '';
    fieldList.replaceChildren();
    for (const el of form.querySelectorAll<HTMLElement>('[data-error-for]')) {
      el.hidden = true;
      el.textContent = '';
    }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  function showFormError(kind: ErrorKind): void {
    // Answers to fix are not a failure to send: say which it is.
    const toFix = kind === 'invalid' || kind === 'tooLong';
    formErrorTitle.textContent = (toFix ? formErrorTitle.dataset.titleInvalid : formErrorTitle.dataset.titleFailed) ?? '';
    status.textContent = ''; // "sending …" is over; the focused summary says what happened
    formErrorText.textContent = errorText[kind];
    formError.hidden = false;
    formError.focus();
  }

  function showFieldError(field: FieldName, text: string): void {
    const slot = form.querySelector<HTMLElement>(`[data-error-for="${field}"]`);
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

  // No aria-busy: assistive technology may hold back what a busy element
  // says, and the status line must be heard while sending.
  function setBusy(busy: boolean): void {
    sending = busy;
    submitButton.setAttribute('aria-disabled', String(busy));
    if (busy) {
      status.classList.remove('visually-hidden');
      status.textContent = data.sending ?? '';
    }
  }

  /** "Sent. Your code is 4 8 2, …", the code in a language that can say it. */
  function announceSent(request: ContactRequest): void {
    const spokenCopy = receipt.querySelector<HTMLElement>('[data-receipt-code-spoken]')!;
    const [before, after] = (status.dataset.sent ?? '{code}').split('{code}');
    const code = document.createElement('span');
    code.lang = spokenCopy.lang;
    code.textContent = spokenReceiptCode(request.receipt);
    status.classList.add('visually-hidden'); // the receipt shows it; this line is for screen readers
    status.replaceChildren(before ?? '', code, after ?? '');
  }

  const problemText: Record<FieldProblem, string> = {
    phone: data.errorPhone ?? '',
    phoneNeeded: data.errorPhoneNeeded ?? '',
    text: data.errorText ?? '',
  };

  /** Checks the answers and returns the request, or shows what to fix. */
  function buildRequest(answers: ContactRequestInput): ContactRequest | null {
    const key = JSON.stringify(answers);
    if (pending?.answers === key) return pending.request;
    try {
      const request = createRequest(answers);
      if (!measureRequest(request).fits) {
        showFieldError('message', errorText.tooLong);
        showFormError('tooLong');
        return null;
      }
      pending = { answers: key, request };
      return request;
    } catch (error) {
      const problems = Object.entries(fieldProblems(answers, issuePathsOf(error))) as [FieldName, FieldProblem][];
      for (const [field, problem] of problems) showFieldError(field, problemText[problem]);
      showFormError('invalid');
      return null;
    }
  }

  function showReceipt(request: ContactRequest, kid: string): void {
    announceSent(request);
    receipt.querySelector('[data-receipt-code]')!.textContent = request.receipt;
    showFingerprint(receiptKeyLine, kid);
    receipt.querySelector('[data-receipt-code-spoken]')!.textContent = spokenReceiptCode(request.receipt);
    const next = receiptNextStep(request.contact.method);
    for (const line of receipt.querySelectorAll<HTMLElement>('[data-receipt-next]')) {
      line.hidden = line.dataset.receiptNext !== next && !(request.reply && line.dataset.receiptNext === 'here');
    }
    // The secret is shown here once; it is in no URL, no storage, and goes on pagehide.
    const secretBlock = receipt.querySelector<HTMLElement>('[data-receipt-secret]')!;
    secretBlock.hidden = !(request.reply && replySecret);
    receipt.querySelector<HTMLElement>('[data-receipt-secret-value]')!.textContent =
      request.reply && replySecret ? formatReplySecret(replySecret.secret) : '';
    replySecret = null; // a new request gets a new secret
    pending = null;
    // The answers have arrived: clear them, so a phone picked up later shows nothing.
    form.reset();
    form.hidden = true;
    receipt.hidden = false;
    // Start of the receipt in view (its code first), and focus there for screen readers.
    receipt.focus({ preventScroll: true });
    receipt.scrollIntoView({ block: 'start' });
  }

  // Leaving the page wipes it: the back/forward cache would otherwise bring
  // back the receipt code or a half-written message to whoever picks up
  // the phone later (review M11). The person trades a lost draft for that.
  addEventListener('pagehide', () => {
    pending = null;
    form.reset();
    updateCounter();
    clearErrors();
    form.hidden = false;
    receipt.hidden = true;
    for (const code of receipt.querySelectorAll('[data-receipt-code], [data-receipt-code-spoken]')) code.textContent = '';
    showFingerprint(receiptKeyLine, null);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    clearErrors();
    status.textContent = '';
    phone.value = normalizePhoneNumber(phone.value);
    const input = readContactForm(new FormData(form));
    setBusy(true);
    let recipientId: string;
    try {
      if (wantsReplyHere()) {
        try {
          input.reply = await replyAddress();
        } catch {
          return showFormError('replySecret');
        }
      }
      const request = buildRequest(input);
      if (!request) return;

      let envelope;
      try {
        const keys = await loadKeySet();
        if (!servingRecipient(keys, request.municipality)) return showFormError('notConnected');
        const key = chooseKey(keys, request.municipality);
        if (!key) return showFormError('unavailable');
        recipientId = key.recipient;
        envelope = await sealRequest(request, key);
      } catch (error) {
        if (error instanceof EnvelopeError && error.code === 'too_large') return showFormError('tooLong');
        // The key set could not be fetched (offline) or WebCrypto failed.
        return showFormError(error instanceof TypeError ? 'network' : 'encrypt');
      }

      let response: Response;
      try {
        response = await fetch('/api/contact', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(envelope),
          cache: 'no-store',
          credentials: 'omit',
          referrerPolicy: 'no-referrer',
        });
      } catch {
        return showFormError('network');
      }
      if (response.status === 202) {
        // Show only the promise of the recipient the request went to (hidden,
        // not removed: after the wipe on leaving, the form can send again).
        for (const block of receipt.querySelectorAll<HTMLElement>('[data-receipt-promise]')) {
          block.hidden = block.dataset.receiptPromise !== recipientId;
        }
        return showReceipt(request, envelope.kid);
      }
      if (response.status === 429) return showFormError('rateLimited');
      if (response.status === 413) return showFormError('tooLong');
      return showFormError('unavailable');
    } finally {
      setBusy(false);
    }
  });
}
