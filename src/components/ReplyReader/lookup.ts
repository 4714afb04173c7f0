/**
 * Looking up answers: the secret typed here derives the reply key and
 * mailbox id (slow on purpose), the look-up returns sealed replies (always
 * the same number), and each is shown only if it verifies as sent by a
 * published recipient. An answer can be deleted from the Worker.
 */
import type { KeySet } from '../../../protocol/key-set.ts';
import { deriveReplyKeys } from '../../../protocol/reply-keys.ts';
import { normalizeReplySecret } from '../../../protocol/reply-secret.ts';
import { openReply, readLookupResponse, ReplyError, type ReplySenderPublicKey } from '../../../protocol/reply-open.ts';
import { loadKeySet } from '../../client/key-set-loader.ts';
import { postJson } from '../../client/post-json.ts';
import { answerView } from './answer-view.ts';
import type { ReaderProblems } from './problems.ts';
import { part, type OpenedAnswer, type ReaderState } from './state.ts';
import type { PageLifetime } from '../../client/page-lifetime.ts';
import { readerHooks } from './hooks.ts';
import { is } from '../hooks.ts';

export function lookup(root: HTMLElement, state: ReaderState, problems: ReaderProblems, lifetime: PageLifetime): void {
  const data = root.dataset;
  const form = part<HTMLFormElement>(root, is(readerHooks.replyForm));
  const input = part<HTMLInputElement>(root, is(readerHooks.replySecret));
  const status = part(root, is(readerHooks.replyStatus));
  const none = part(root, is(readerHooks.replyNone));
  const answers = part(root, is(readerHooks.replyAnswers));
  const writeBack = part(root, is(readerHooks.writeBack));
  const render = answerView(root);

  async function deleteAnswer(answer: OpenedAnswer, article: HTMLElement): Promise<void> {
    if (!state.keys || state.busy) return;
    state.busy = true;
    try {
      const res = await postJson('/api/reply/delete', { v: 1, mailbox: state.keys.mailbox, id: answer.id });
      if (res.status === 429) return problems.show('rateLimited');
      if (!res.ok) return problems.show('unavailable');
      state.opened = state.opened.filter((a) => a !== answer);
      const done = document.createElement('p');
      done.className = 'reply-reader__deleted';
      done.tabIndex = -1;
      done.textContent = data.msgDeleted ?? '';
      article.replaceWith(done);
      done.focus();
      if (state.opened.length === 0) writeBack.hidden = true;
    } catch {
      problems.show('network');
    } finally {
      state.busy = false;
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (state.busy) return;
    problems.reset();
    const secret = normalizeReplySecret(input.value);
    if (!secret) return problems.show('format');
    state.busy = true;
    status.textContent = data.msgWorking ?? '';
    const ticket = lifetime.start();
    try {
      let set: KeySet;
      let res: Response;
      try {
        let keys;
        [keys, set] = await Promise.all([deriveReplyKeys(secret), loadKeySet()]);
        // Hidden or left while the key was derived: no look-up, nothing kept.
        if (!ticket.live()) return;
        state.keys = keys;
        res = await postJson('/api/reply/lookup', { v: 1, mailbox: keys.mailbox }, ticket.signal);
      } catch {
        if (!ticket.live()) return;
        return problems.show('network');
      }
      if (!ticket.live()) return;
      if (res.status === 429) return problems.show('rateLimited');
      if (res.status !== 200) return problems.show('unavailable');
      const found = readLookupResponse(await res.json().catch(() => null));
      if (!ticket.live()) return;
      if (!found) return problems.show('unavailable');
      const senders = new Map<string, ReplySenderPublicKey>(
        set.keys.map((k) => [k.kid, { recipient: k.recipient, publicKey: k.publicKey }]),
      );
      state.opened = [];
      let forged = false;
      for (const slot of found.replies.slice(0, found.count)) {
        try {
          const answer = await openReply(slot, state.keys, senders);
          if (!ticket.live()) return;
          const serves = set.recipients.find((r) => r.id === answer.recipient)?.serves ?? [];
          state.opened.push({ id: slot.id, kid: answer.kid, recipient: answer.recipient, serves, message: answer.message });
        } catch (error) {
          if (error instanceof ReplyError) forged = true;
          else throw error;
        }
      }
      status.textContent = '';
      // A reply that does not verify is never shown, and the person is told.
      if (forged) problems.show('forged');
      if (state.opened.length === 0) {
        if (!forged) {
          none.hidden = false;
          none.focus();
        }
        return;
      }
      answers.replaceChildren(...state.opened.map((answer) => render(answer, (article) => void deleteAnswer(answer, article))));
      // Only an answer that offers it (the write-back phrase) can be written back to (N3).
      writeBack.hidden =
        state.wroteBack || !state.opened[state.opened.length - 1]!.message.phrases.some((phrase) => phrase.id === 'write-back');
      if (!forged) (answers.firstElementChild as HTMLElement).focus();
    } finally {
      ticket.end();
      state.busy = false;
      if (status.textContent === data.msgWorking) status.textContent = '';
    }
  });
}
