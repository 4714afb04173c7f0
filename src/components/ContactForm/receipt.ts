/**
 * The receipt after sending: the code (shown, and said digit by digit to
 * screen readers), the key's fingerprint, what happens next, the recipient's
 * promise and, once, the reply secret. The secret is in no URL and no
 * storage; leaving the page wipes the receipt (send.ts).
 */
import type { ContactRequest } from '../../../protocol/request.ts';
import { receiptNextStep, spokenReceiptCode } from '../../contact/receipt-display.ts';
import { showFingerprint } from './recipient-line.ts';
import { contactHooks } from './hooks.ts';
import { is } from '../hooks.ts';

export interface Receipt {
  /** Replaces the form with the receipt of a request that arrived. */
  show(request: ContactRequest, sent: { kid: string; recipient: string; secret: string | null }): void;
  /** Hides the receipt and clears its code, the reply secret, the fingerprint and the spoken code. */
  wipe(): void;
}

export function receipt(form: HTMLFormElement): Receipt {
  const status = document.querySelector<HTMLElement>(is(contactHooks.formStatus))!;
  const box = document.querySelector<HTMLElement>(is(contactHooks.receipt))!;
  const keyLine = box.querySelector<HTMLElement>(is(contactHooks.receiptKey));
  const spokenCopy = box.querySelector<HTMLElement>(is(contactHooks.receiptCodeSpoken))!;

  /** "Sent. Your code is 4 8 2, …", the code in a language that can say it. */
  function announceSent(request: ContactRequest): void {
    const [before, after] = (status.dataset.sent ?? '{code}').split('{code}');
    const code = document.createElement('span');
    code.lang = spokenCopy.lang;
    code.textContent = spokenReceiptCode(request.receipt);
    status.classList.add('visually-hidden'); // the receipt shows it; this line is for screen readers
    status.replaceChildren(before ?? '', code, after ?? '');
  }

  return {
    show(request, sent) {
      // Show only the promise of the recipient the request went to (hidden,
      // not removed: after the wipe on leaving, the form can send again).
      for (const block of box.querySelectorAll<HTMLElement>(is(contactHooks.receiptPromise))) {
        block.hidden = block.getAttribute(contactHooks.receiptPromise) !== sent.recipient;
      }
      announceSent(request);
      box.querySelector(is(contactHooks.receiptCode))!.textContent = request.receipt;
      showFingerprint(keyLine, sent.kid);
      spokenCopy.textContent = spokenReceiptCode(request.receipt);
      const next = receiptNextStep(request.contact.method);
      for (const line of box.querySelectorAll<HTMLElement>(is(contactHooks.receiptNext))) {
        const shows = line.getAttribute(contactHooks.receiptNext);
        line.hidden = shows !== next && !(request.reply && shows === 'here');
      }
      // The secret is shown here once; it is in no URL, no storage, and goes on pagehide.
      const secret = request.reply ? sent.secret : null;
      box.querySelector<HTMLElement>(is(contactHooks.receiptSecret))!.hidden = !secret;
      box.querySelector<HTMLElement>(is(contactHooks.receiptSecretValue))!.textContent = secret ?? '';
      // The answers have arrived: clear them, so a phone picked up later shows nothing.
      form.reset();
      form.hidden = true;
      box.hidden = false;
      // Start of the receipt in view (its code first), and focus there for screen readers.
      box.focus({ preventScroll: true });
      box.scrollIntoView({ block: 'start' });
    },
    wipe() {
      box.hidden = true;
      for (const code of box.querySelectorAll(
        [contactHooks.receiptCode, contactHooks.receiptCodeSpoken, contactHooks.receiptSecretValue].map(is).join(', '),
      ))
        code.textContent = '';
      showFingerprint(keyLine, null);
      // The status line said the code aloud (N10).
      status.textContent = '';
    },
  };
}
