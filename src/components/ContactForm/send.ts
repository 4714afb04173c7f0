/**
 * Sending: check the answers, build the request, encrypt it here in the
 * browser with the recipient's public key, and send only the envelope
 * {v,kid,enc,ct}. Whatever goes wrong, every answer stays in the form and
 * the person is told what to do. Nothing typed is ever written to storage,
 * cookies or the URL; the request lives only in memory, and leaving the
 * page wipes the form and the receipt.
 */
import { fieldProblems, readContactForm, type FieldName, type FieldProblem } from '../../contact/form-fields.ts';
import type { ContactRequest, ContactRequestInput } from '../../../protocol/request.ts';
import { completeRequest, requestProblems } from '../../../protocol/request-check.ts';
import { EnvelopeError, measureRequest, sealCheckedRequest } from '../../../protocol/envelope-core.ts';
import { chooseKey, servingRecipient } from '../../../protocol/key-choice.ts';
import { loadKeySet } from '../../client/key-set-loader.ts';
import { postJson } from '../../client/post-json.ts';
import { coverWhenHidden, pageLifetime } from '../../client/page-lifetime.ts';
import type { FormErrors } from './form-errors.ts';
import type { PhoneInput } from './phone-input.ts';
import type { Receipt } from './receipt.ts';
import type { ReplyChoice } from './reply-choice.ts';
import { contactHooks } from './hooks.ts';
import { is } from '../hooks.ts';

export interface SendParts {
  errors: FormErrors;
  phone: PhoneInput;
  replyChoice: ReplyChoice;
  receipt: Receipt;
  counter: { update(): void };
}

export function send(form: HTMLFormElement, parts: SendParts): void {
  const { errors, phone, replyChoice, receipt, counter } = parts;
  const submitButton = form.querySelector<HTMLButtonElement>(is(contactHooks.submit))!;
  const status = document.querySelector<HTMLElement>(is(contactHooks.formStatus))!;

  // A retry of unchanged answers reuses the same request (same id and
  // receipt code), so if an earlier try did arrive, the intake keeps one.
  let pending: { answers: string; request: ContactRequest } | null = null;
  let sending = false;

  // No aria-busy: assistive technology may hold back what a busy element
  // says, and the status line must be heard while sending.
  function setBusy(busy: boolean): void {
    sending = busy;
    submitButton.setAttribute('aria-disabled', String(busy));
    if (busy) {
      status.classList.remove('visually-hidden');
      status.textContent = form.dataset.sending ?? '';
    }
  }

  /** Checks the answers and returns the request, or shows what to fix. */
  function buildRequest(answers: ContactRequestInput): ContactRequest | null {
    const key = JSON.stringify(answers);
    if (pending?.answers === key) return pending.request;
    const paths = requestProblems(answers);
    if (paths.length > 0) {
      const problems = Object.entries(fieldProblems(answers, paths)) as [FieldName, FieldProblem][];
      for (const [field, problem] of problems) errors.showProblem(field, problem);
      errors.showForm('invalid');
      return null;
    }
    const request = completeRequest(answers);
    if (!measureRequest(request).fits) {
      errors.showField('message', errors.text('tooLong'));
      errors.showForm('tooLong');
      return null;
    }
    pending = { answers: key, request };
    return request;
  }

  // Leaving the page wipes it: the back/forward cache would otherwise bring
  // back the receipt code or a half-written message to whoever picks up
  // the phone later (review M11). The person trades a lost draft for that.
  function wipePage(): void {
    pending = null;
    form.reset();
    counter.update();
    errors.clear();
    form.hidden = false;
    receipt.wipe();
  }
  addEventListener('pagehide', () => {
    abandonedWhileHidden = false;
    wipePage();
  });

  // A send in flight when the page is hidden or left is abandoned, not
  // resumed later (N4): left, the page is wiped; hidden (another app, the
  // screen locked), the answers stay and the person is told to send again.
  let abandonedWhileHidden = false;
  const lifetime = pageLifetime((reason) => {
    status.textContent = '';
    if (reason === 'hidden') abandonedWhileHidden = true;
  });
  document.addEventListener('visibilitychange', () => {
    // The spoken code was for the moment it arrived; it is not kept while the page is away.
    if (document.visibilityState === 'hidden') status.textContent = '';
    else if (abandonedWhileHidden) {
      abandonedWhileHidden = false;
      errors.showForm('abandoned');
    }
  });
  // The receipt (code, reply secret) is covered while the page is hidden, and wiped after a few minutes (N10).
  coverWhenHidden({
    parts: () => [document.querySelector<HTMLElement>(is(contactHooks.receipt))!],
    wipe: wipePage,
    label: form.dataset.showAgain ?? '',
    note: form.dataset.covered ?? '',
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    errors.clear();
    status.textContent = '';
    phone.normalize();
    const input = readContactForm(new FormData(form));
    setBusy(true);
    const ticket = lifetime.start();
    try {
      if (replyChoice.wantsReplyHere()) {
        try {
          const address = await replyChoice.address(() => ticket.live());
          if (!address) return;
          input.reply = address;
        } catch {
          if (!ticket.live()) return;
          return errors.showForm('replySecret');
        }
      }
      const request = buildRequest(input);
      if (!request) return;

      let envelope;
      let recipient = '';
      try {
        const keys = await loadKeySet();
        if (!ticket.live()) return;
        if (!servingRecipient(keys, request.municipality)) return errors.showForm('notConnected');
        const key = chooseKey(keys, request.municipality);
        // A pinned recipient whose signed keys do not check out: nothing is sent, to any key.
        if (!key)
          return errors.showForm(keys.refused.includes(servingRecipient(keys, request.municipality)!.id) ? 'keyRefused' : 'unavailable');
        recipient = key.recipient;
        envelope = await sealCheckedRequest(request, key);
        if (!ticket.live()) return;
      } catch (error) {
        if (!ticket.live()) return;
        if (error instanceof EnvelopeError && error.code === 'too_large') return errors.showForm('tooLong');
        // The key set could not be fetched (offline) or WebCrypto failed.
        return errors.showForm(error instanceof TypeError ? 'network' : 'encrypt');
      }

      let response: Response;
      try {
        response = await postJson('/api/contact', envelope, ticket.signal);
      } catch {
        if (!ticket.live()) return;
        return errors.showForm('network');
      }
      // Left or hidden while the answer came: show nothing of it (the code stays off the screen).
      if (!ticket.live()) return;
      if (response.status === 202) {
        pending = null;
        return receipt.show(request, { kid: envelope.kid, recipient, secret: replyChoice.takeSecret() });
      }
      if (response.status === 429) return errors.showForm('rateLimited');
      if (response.status === 413) return errors.showForm('tooLong');
      return errors.showForm('unavailable');
    } finally {
      ticket.end();
      setBusy(false);
    }
  });
}
