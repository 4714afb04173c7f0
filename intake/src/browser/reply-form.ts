/**
 * The way back, written in the browser (issue 14, issue 19): the reply form
 * as before (phrases, text, language), sealed to the person's reply key with
 * the recipient's own key (HPKE auth mode, writeReply), the post body built
 * and signed here (ECDSA), the record boxed under the newest generation,
 * then one POST /api/r/:ref/reply. Nothing is sent before that one POST, so
 * a tab closed mid-reply loses the draft and stores nothing half.
 * Also: waiting replies whose signature went stale are signed again here.
 */
import { ReplyError } from '../../../protocol/reply.ts';
import { replyDraft, ReplyWriteError, signedPost, writeReply, type OutgoingReply } from '../reply-writer.ts';
import { sealRecord } from '../team-vault/records.ts';
import { getJson, postJson } from './http.ts';
import { showFormError, type OpenedPage } from './opened-page.ts';
import type { ChainAnswer, UnlockedVault } from './session-vault.ts';

/** A reply's record for the team (sealed under the vault, shown on the request page). */
export interface ReplyRecord {
  v: 1;
  message: OutgoingReply['message'];
  writtenAt: string;
  case: string;
  receipt: string;
}

async function publicKeyOf(kid: string): Promise<string | null> {
  const chain = await getJson<ChainAnswer>('/api/vault/chain');
  return chain.keys.find((key) => key.kid === kid)?.publicKey ?? null;
}

export function startReplyForm(page: OpenedPage, slot: Element): void {
  const form = slot.querySelector<HTMLFormElement>('form[data-form="reply"]');
  const request = page.opened.request;
  if (!form || !request) return;
  const hint = document.createElement('p');
  hint.className = 'hint';
  hint.textContent = page.ctx.t.replyDraftLost;
  form.prepend(hint);
  let sending = false;
  addEventListener('beforeunload', (event) => {
    if (sending) event.preventDefault();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (sending) return;
    const fields = new FormData(form);
    const one = (name: string) => {
      const value = fields.get(name);
      return typeof value === 'string' ? value : undefined;
    };
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    sending = true;
    if (button) button.disabled = true;
    void (async () => {
      const ref = page.data.row.ref;
      const kid = page.data.row.kid;
      try {
        const draft = replyDraft(
          {
            phrases: fields.getAll('phrase').filter((v): v is string => typeof v === 'string'),
            text: one('text')?.slice(0, 2000),
            lang: one('lang') || undefined,
            place: one('place'),
            time: one('time'),
            date: one('date'),
          },
          page.data.replies.phone,
        );
        const keys = page.vault.recipientKeys.get(kid);
        const publicKey = keys ? await publicKeyOf(kid) : null;
        if (!keys || !publicKey) throw new ReplyWriteError(page.ctx.t.faultNoKey);
        const now = new Date();
        const outgoing = await writeReply(request, draft, { kid, hpke: keys.hpke, sign: keys.sign, publicKey }, now);
        // The record is what was written (the sealed reply itself is in the signed post body).
        const record: ReplyRecord = {
          v: 1,
          message: outgoing.message,
          writtenAt: outgoing.writtenAt,
          case: outgoing.case,
          receipt: outgoing.receipt,
        };
        const box = await sealRecord(page.vault.latest, ref, outgoing.replyId, record);
        const answer = await postJson<{ state?: string }>(`/api/r/${encodeURIComponent(ref)}/reply`, {
          replyId: outgoing.replyId,
          gen: page.vault.gen,
          box,
          ...(await signedPost(outgoing, keys.sign, now)),
        });
        const m = answer.state === 'delivered' ? 'replySent' : answer.state === 'refused' ? 'replyRefused' : 'replyQueued';
        sending = false;
        location.assign(`/r/${encodeURIComponent(ref)}?m=${m}#reply`);
      } catch (error) {
        sending = false;
        if (button) button.disabled = false;
        const why = error instanceof ReplyWriteError || error instanceof ReplyError ? error.message : page.ctx.t.faultSave;
        showFormError(form, `${page.ctx.t.replyProblem} ${why}`);
      }
    })();
  });
}

/** Waiting replies refused as stale (GET /api/replies/unsigned): signed again with a fresh time, by any unlocked inbox. */
export async function signStaleReplies(vault: UnlockedVault): Promise<number> {
  const waiting =
    await getJson<{ id: string; ref: string; kid: string; reply: OutgoingReply['reply']; mailbox: string; writeBack?: string }[]>(
      '/api/replies/unsigned',
    );
  let signed = 0;
  for (const reply of waiting) {
    const keys = vault.recipientKeys.get(reply.kid);
    if (!keys) continue;
    await postJson(`/api/replies/${encodeURIComponent(reply.id)}/signature`, await signedPost(reply, keys.sign, new Date()));
    signed += 1;
  }
  return signed;
}
