/**
 * How the person wants to be answered: phone, times and voicemail only
 * matter when the municipality calls or texts; "answer me here on the
 * site" needs this script, so it shows only now. An answer here needs a
 * reply secret (issue 14): made once per request, kept in memory only,
 * reused by a retry, shown once on the receipt, wiped on pagehide.
 */
import type { ReplyAddress } from '../../../protocol/request.ts';
import { deriveReplyKeys } from '../../../protocol/reply-keys.ts';
import { formatReplySecret, generateReplySecret } from '../../../protocol/reply-secret.ts';
import { contactHooks } from './hooks.ts';
import { is } from '../hooks.ts';

export interface ReplyChoice {
  /** Does the person want an answer on the site (only, or as well)? */
  wantsReplyHere(): boolean;
  /**
   * The reply address of this request: the secret made once, its keys
   * derived (slow, on purpose). Null when `live()` says the page was hidden
   * or left meanwhile (page-lifetime.ts): then the secret is not kept.
   */
  address(live: () => boolean): Promise<ReplyAddress | null>;
  /** The secret to show on the receipt, formatted, or null; forgets it (a new request gets a new one). */
  takeSecret(): string | null;
}

export function replyChoice(form: HTMLFormElement): ReplyChoice {
  const phone = form.querySelector<HTMLInputElement>(is(contactHooks.phone))!;
  const phoneNeeded = form.querySelector<HTMLElement>(is(contactHooks.phoneNeeded));
  const callDetails = form.querySelector<HTMLElement>(is(contactHooks.callDetails))!;
  const receiptSecret = document.querySelector<HTMLElement>(`${is(contactHooks.receipt)} ${is(contactHooks.receiptSecretValue)}`)!;

  for (const el of form.querySelectorAll<HTMLElement>(is(contactHooks.needsJs))) el.hidden = false;
  const replyHereChoice = form.querySelector<HTMLElement>(is(contactHooks.replyHere))!;

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

  let replySecret: { secret: string; address: ReplyAddress } | null = null;
  // Leaving the page wipes the secret from it (and from this script's memory).
  addEventListener('pagehide', () => {
    replySecret = null;
    receiptSecret.textContent = '';
  });
  updateCallDetails();

  return {
    wantsReplyHere: () => chosenMethod() === 'here' || new FormData(form).get('replyHere') === 'yes',
    async address(live) {
      if (!replySecret) {
        const secret = generateReplySecret();
        const keys = await deriveReplyKeys(secret);
        if (!live()) return null;
        replySecret = { secret, address: { publicKey: keys.publicKey, mailbox: keys.mailbox } };
      }
      return replySecret.address;
    },
    takeSecret() {
      const secret = replySecret ? formatReplySecret(replySecret.secret) : null;
      replySecret = null;
      return secret;
    },
  };
}
