/**
 * The person's one written follow-up to an answer that offers it: sealed
 * like a contact request, to the key that signed the latest answer while it
 * is valid, else to the same recipient's newest key, and signed with the
 * reply key, which only the holder of the secret has (review N3): inside
 * the request for the intake, on the post to /api/reply/write-back for the
 * Worker, which takes one per answer (WIRE-FORMAT.md §16).
 */
import type { ContactRequestInput, ReplyAddress } from '../../../protocol/request.ts';
import { completeRequest, requestProblems } from '../../../protocol/request-check.ts';
import { sealCheckedRequest } from '../../../protocol/envelope-core.ts';
import { chooseKey } from '../../../protocol/key-choice.ts';
import { isKeyValid } from '../../../protocol/key-dates.ts';
import { isLocale, defaultLocale, type Locale } from '../../../protocol/locales.ts';
import { loadKeySet } from '../../client/key-set-loader.ts';
import { signFollowUp, signWriteBackPost, WRITE_BACK_PATH, WRITE_BACK_SIGNATURE_HEADER } from '../../../protocol/write-back.ts';
import type { PageLifetime } from '../../client/page-lifetime.ts';
import type { ReaderProblems } from './problems.ts';
import { part, type ReaderState } from './state.ts';
import { readerHooks } from './hooks.ts';
import { is } from '../hooks.ts';

export function writeBack(root: HTMLElement, state: ReaderState, problems: ReaderProblems, lifetime: PageLifetime): void {
  const data = root.dataset;
  const form = part<HTMLFormElement>(root, is(readerHooks.writeBack));
  const text = part<HTMLTextAreaElement>(root, is(readerHooks.writeBackText));
  const error = part(root, is(readerHooks.writeBackError));
  const sent = part(root, is(readerHooks.writeBackSent));
  const locale: Locale = isLocale(data.locale) ? data.locale : defaultLocale;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (state.busy || state.wroteBack || !state.keys || state.opened.length === 0) return;
    const message = text.value.replace(/\r\n?/g, '\n').trim();
    error.hidden = true;
    if (!message) {
      error.textContent = data.msgEmpty ?? '';
      error.hidden = false;
      text.focus();
      return;
    }
    const latest = state.opened[state.opened.length - 1]!;
    const keys = state.keys;
    const reply: ReplyAddress = { publicKey: keys.publicKey, mailbox: keys.mailbox };
    state.busy = true;
    const ticket = lifetime.start();
    try {
      const set = await loadKeySet();
      if (!ticket.live()) return;
      // To the key that signed the answer while it is valid, else the same recipient's newest
      // (a recipient serves municipalities; the follow-up names the first it serves).
      const municipality = latest.serves[0];
      if (!municipality) return problems.show('unavailable');
      const sameKey = set.keys.find((k) => k.kid === latest.kid && k.recipient === latest.recipient && isKeyValid(k, new Date()));
      const key = sameKey ?? chooseKey({ ...set, recipients: set.recipients.filter((r) => r.id === latest.recipient) }, municipality);
      if (!key) return problems.show('unavailable');
      const answers: ContactRequestInput = {
        locale,
        role: 'unknown',
        municipality,
        needs: [],
        contact: { method: 'here', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
        language: '',
        interpreter: false,
        message,
        reply,
        followUpOf: latest.message.case,
      };
      // Only the text can be wrong (a pasted control character): refused
      // as before, with the same words as a failed send.
      if (requestProblems(answers).length > 0) return problems.show('network');
      const followUp = completeRequest(answers);
      const signingKey = keys.signingKey;
      followUp.followUpProof = await signFollowUp(signingKey, {
        id: followUp.id,
        followUpOf: latest.message.case,
        message: followUp.message,
      });
      const signed = await signWriteBackPost(signingKey, {
        v: 1,
        mailbox: keys.mailbox,
        reply: latest.id,
        envelope: await sealCheckedRequest(followUp, key),
      });
      if (!ticket.live()) return;
      const res = await fetch(WRITE_BACK_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [WRITE_BACK_SIGNATURE_HEADER]: signed.signature },
        body: signed.body,
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
        signal: ticket.signal,
      });
      if (!ticket.live()) return;
      if (res.status === 429) return problems.show('rateLimited');
      if (res.status !== 202) return problems.show('unavailable');
      state.wroteBack = true;
      text.value = '';
      form.hidden = true;
      sent.hidden = false;
      sent.focus();
    } catch {
      if (ticket.live()) problems.show('network');
    } finally {
      ticket.end();
      state.busy = false;
    }
  });
}
