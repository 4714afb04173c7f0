/**
 * Writing an answer to a request (issue 14), the same for the command line
 * (`npm run intake -- reply`) and the team inbox:
 *
 *   const draft = replyDraft(choice, phone);                           // phrases + free text, checked
 *   const outgoing = await writeReply(request, draft, sender);         // sealed; plaintext stays here
 *   enqueueReply(store, ref, staffId, outgoing); deliverOutbox(…);     // reply-outbox.ts (the store)
 *
 * The sender is the recipient's own key (the key the request was sealed
 * to) as CryptoKeys: in the team inbox, unwrapped from the vault in the
 * staff member's browser, non-extractable. No node: import: the inbox app
 * bundles this module.
 */
import { publicKeyFromPrivateJwk, base64urlEncode, type PrivateKeyJwk } from '../../protocol/envelope.ts';
import {
  importReplySenderKey,
  replySenderKey,
  replyIdOf,
  replyPhrasesFor,
  sealReply,
  type ReplyMessage,
  type ReplyPhrase,
  type SealedReply,
} from '../../protocol/reply.ts';
import { replyPostBody, signReplyPost } from '../../protocol/reply-post.ts';
import { replyPhraseIds, type ReplyPhraseId } from '../../protocol/limits.ts';
import { parseCalendarDay, swedishDay, type ContactRequest } from '../../protocol/request.ts';
import { defaultLocale, isLocale, type Locale } from '../../protocol/locales.ts';

/** What the writer chose: phrases from the bank and, optionally, free text. */
export interface ReplyDraft {
  phrases: ReplyPhrase[];
  /** Free text; `lang` is Swedish unless the writer picks another language. */
  text?: { body: string; lang?: Locale };
}

/** The recipient's own key: HPKE auth-mode sender (`hpke`, ECDH) and the signer of the post (`sign`, ECDSA). */
export interface ReplySender {
  kid: string;
  hpke: CryptoKey;
  sign: CryptoKey;
  /** Its public point, base64url raw (as published in intake-keys.json). */
  publicKey: string;
}

/** A sealed reply ready to deliver; holds no plaintext but `message` (kept by the intake as its record). */
export interface OutgoingReply {
  v: 1;
  /** base64url(SHA-256(ct))[0..16]: the Worker's id for it, and the outbox row id. */
  replyId: string;
  mailbox: string;
  reply: SealedReply;
  /** The request answered, for the inbox's record. */
  case: string;
  receipt: string;
  /** What was written, for the municipality's own record (never sent in clear). */
  message: ReplyMessage;
  writtenAt: string;
  /**
   * When the answer offers a write-back (review N3): the person's reply
   * public key, which the Worker checks their one write-back with.
   */
  writeBack?: string;
}

export class ReplyWriteError extends Error {}

/** A private key file's key with this kid as a reply sender (tools and tests), or a ReplyWriteError. */
export async function senderFromVault(
  vault: { keys: readonly { kid: string; privateJwk: PrivateKeyJwk }[] },
  kid: string,
): Promise<ReplySender> {
  const key = vault.keys.find((k) => k.kid === kid);
  if (!key) throw new ReplyWriteError(`this intake holds no private key ${kid}: a reply is sent with the key the request was sealed to`);
  const { x, y, d } = key.privateJwk;
  const jwk = { kty: 'EC', crv: 'P-256', x, y, d };
  return {
    kid,
    hpke: (await importReplySenderKey(key.privateJwk)).keyPair.privateKey,
    sign: await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']),
    publicKey: base64urlEncode(publicKeyFromPrivateJwk(key.privateJwk)),
  };
}

/** What a writer picks, from the command line or the inbox form, before checking. */
export interface ReplyChoice {
  phrases: readonly string[];
  text?: string | undefined;
  lang?: string | undefined;
  place?: string | undefined;
  /** When to meet, with `meet` ("tisdag 14 januari kl. 15"). */
  time?: string | undefined;
  /** The day by which the team writes again, with `write-again` (YYYY-MM-DD). */
  date?: string | undefined;
}

/**
 * Checks a choice and makes the draft. `phone` is the recipient's own
 * publishable number from recipients.json (RecipientDirectory.phoneOf);
 * without it the phrase "could not reach you: call us at …" cannot be used.
 */
export function replyDraft(choice: ReplyChoice, phone: { display: string } | null): ReplyDraft {
  const phrases: ReplyPhrase[] = [];
  for (const id of new Set(choice.phrases)) {
    if (!(replyPhraseIds as readonly string[]).includes(id))
      throw new ReplyWriteError(`unknown phrase "${id}"; choose from ${replyPhraseIds.join(', ')}`);
    switch (id as ReplyPhraseId) {
      case 'could-not-reach':
        if (!phone) throw new ReplyWriteError('no phone number for this recipient in recipients.json: could-not-reach cannot be used');
        phrases.push({ id: 'could-not-reach', phone: phone.display });
        break;
      case 'meet':
        if (!choice.place?.trim() || !choice.time?.trim()) throw new ReplyWriteError('the phrase meet needs a place and a time');
        phrases.push({ id: 'meet', place: choice.place.trim(), time: choice.time.trim() });
        break;
      case 'write-again':
        if (!choice.date || parseCalendarDay(choice.date.trim()) === null)
          throw new ReplyWriteError('the phrase write-again needs a day as YYYY-MM-DD');
        phrases.push({ id: 'write-again', date: choice.date.trim() });
        break;
      default:
        phrases.push({ id } as ReplyPhrase);
    }
  }
  if (choice.lang !== undefined && choice.lang !== '' && !isLocale(choice.lang))
    throw new ReplyWriteError('the language must be one of sv, en, ar, fa, so, ti');
  const body = choice.text?.trim();
  const draft: ReplyDraft = {
    phrases,
    ...(body ? { text: { body, ...(choice.lang ? { lang: choice.lang } : {}) } } : {}),
  };
  if (draft.phrases.length === 0 && !draft.text) throw new ReplyWriteError('a reply needs at least one phrase or some text');
  return draft;
}

/** Seals the draft to the request's reply key. Throws ReplyWriteError or ReplyError (bad_reply, too_large, bad_key). */
export async function writeReply(
  request: ContactRequest,
  draft: ReplyDraft,
  sender: ReplySender,
  now: Date = new Date(),
): Promise<OutgoingReply> {
  if (!request.reply) throw new ReplyWriteError(`request ${request.receipt} did not ask for an answer on the site`);
  const fits = replyPhrasesFor(request.contact.method);
  const misfit = draft.phrases.find((phrase) => !fits.includes(phrase.id));
  if (misfit) throw new ReplyWriteError(`the phrase ${misfit.id} does not fit this request: the person did not ask to be called or texted`);
  const message: ReplyMessage = {
    v: 1,
    id: crypto.randomUUID(),
    case: request.followUpOf ?? request.id,
    receipt: request.receipt,
    created: swedishDay(now),
    phrases: draft.phrases,
    ...(draft.text?.body ? { text: { lang: draft.text.lang ?? defaultLocale, body: draft.text.body } } : {}),
  };
  const reply = await sealReply(message, request.reply, await replySenderKey(sender.hpke, sender.publicKey));
  if (reply.kid !== sender.kid) throw new ReplyWriteError(`the key given as ${sender.kid} is ${reply.kid}`);
  return {
    v: 1,
    replyId: await replyIdOf(reply.ct),
    mailbox: request.reply.mailbox,
    reply,
    case: message.case,
    receipt: request.receipt,
    message,
    writtenAt: now.toISOString(),
    ...(draft.phrases.some((phrase) => phrase.id === 'write-back') ? { writeBack: request.reply.publicKey } : {}),
  };
}

/**
 * The exact body the intake posts to the site for a sealed reply
 * (reply-post.ts), signed with the recipient's key: made where the key is,
 * in the staff member's browser. The server keeps and sends it as it is.
 */
export async function signedPost(
  outgoing: Pick<OutgoingReply, 'mailbox' | 'reply' | 'writeBack'>,
  sign: CryptoKey,
  now: Date,
): Promise<{ postBody: string; postSignature: string }> {
  const postBody = replyPostBody({
    v: 1,
    mailbox: outgoing.mailbox,
    sent: Math.floor(now.getTime() / 1000),
    reply: outgoing.reply,
    ...(outgoing.writeBack ? { writeBack: outgoing.writeBack } : {}),
  });
  return { postBody, postSignature: await signReplyPost(postBody, sign) };
}
