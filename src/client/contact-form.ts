/**
 * The contact form's JavaScript path: build the request, encrypt it here in
 * the browser with the recipient's public key, and send only the envelope
 * {v,kid,enc,ct}. Whatever goes wrong, every answer stays in the form and
 * the person is told, in their language, what to do. Nothing typed is ever
 * written to storage, cookies or the URL; the request lives only in memory.
 */
import { readContactForm, fieldProblems, issuePathsOf, type FieldName, type FieldProblem } from '../contact/form-fields.ts';
import { createRequest, type ContactRequest, type ContactRequestInput } from '../contact/request.ts';
import { sealRequest, measureRequest, EnvelopeError } from '../contact/envelope.ts';
import { chooseKey, keySetSchema, servingRecipient, type KeySet } from '../contact/key-set.ts';
import { receiptNextStep, spokenReceiptCode } from '../contact/receipt-display.ts';

type ErrorKind = 'network' | 'unavailable' | 'notConnected' | 'rateLimited' | 'encrypt' | 'tooLong' | 'invalid';

const form = document.querySelector<HTMLFormElement>('form[data-contact-form]');
if (form) enhance(form);

function enhance(form: HTMLFormElement): void {
  const data = form.dataset;
  const submitButton = form.querySelector<HTMLButtonElement>('[data-submit]')!;
  const status = form.querySelector<HTMLElement>('[data-form-status]')!;
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
  };

  // A retry of unchanged answers reuses the same request (same id and
  // receipt code), so if an earlier try did arrive, the intake keeps one.
  let pending: { answers: string; request: ContactRequest } | null = null;
  let keySet: Promise<KeySet> | null = null;
  let sending = false;

  const updateCounter = () => {
    const left = message.maxLength - message.value.length;
    counter.textContent = (data.messageCount ?? '').replace('{count}', String(left)).replace('{max}', String(message.maxLength));
  };
  message.addEventListener('input', updateCounter);
  updateCounter();

  // Phone, times and voicemail only matter when the municipality calls or texts.
  const chosenMethod = () => (new FormData(form).get('method') as string | null) ?? 'i-call';
  const updateCallDetails = () => {
    callDetails.hidden = chosenMethod() === 'i-call';
  };
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLInputElement).name === 'method') updateCallDetails();
  });
  updateCallDetails();

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
    } catch {
      recipientLine.hidden = true; // offline now: the send step will say so
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

  function setBusy(busy: boolean): void {
    sending = busy;
    form.setAttribute('aria-busy', String(busy));
    submitButton.setAttribute('aria-disabled', String(busy));
    status.textContent = busy ? (data.sending ?? '') : '';
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

  function showReceipt(request: ContactRequest): void {
    receipt.querySelector('[data-receipt-code]')!.textContent = request.receipt;
    receipt.querySelector('[data-receipt-code-spoken]')!.textContent = spokenReceiptCode(request.receipt);
    const next = receiptNextStep(request.contact.method);
    for (const line of receipt.querySelectorAll<HTMLElement>('[data-receipt-next]')) line.hidden = line.dataset.receiptNext !== next;
    pending = null;
    // The answers have arrived: clear them, so a phone picked up later shows nothing.
    form.reset();
    form.hidden = true;
    receipt.hidden = false;
    // Start of the receipt in view (its code first), and focus there for screen readers.
    receipt.focus({ preventScroll: true });
    receipt.scrollIntoView({ block: 'start' });
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    clearErrors();
    const request = buildRequest(readContactForm(new FormData(form)));
    if (!request) return;

    setBusy(true);
    let recipientId = '';
    try {
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
        // Keep only the promise of the recipient the request went to.
        for (const block of receipt.querySelectorAll<HTMLElement>('[data-receipt-promise]')) {
          if (block.dataset.receiptPromise !== recipientId) block.remove();
          else block.hidden = false;
        }
        return showReceipt(request);
      }
      if (response.status === 429) return showFormError('rateLimited');
      if (response.status === 413) return showFormError('tooLong');
      return showFormError('unavailable');
    } finally {
      setBusy(false);
    }
  });
}
