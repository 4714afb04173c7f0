/**
 * Writing an answer to a request (issue 14), independent of where requests
 * are stored: the file inbox (`npm run intake -- reply`) and the team inbox
 * both call these.
 *
 *   const sender = await loadReplySender(dir, stored.kid);          // the recipient's own key
 *   const outgoing = await writeReply(stored.request, draft, sender);  // sealed; plaintext stays here
 *   await enqueueReply(dir, outgoing); await deliverOutbox(dir, …);    // reply-outbox.ts
 *
 * or, with a queue of its own, `deliverReply(outgoing, sender, siteUrl)`
 * (reply-delivery.ts) and keep the outgoing reply until it says delivered.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrivateKeyJwk } from '../contact/envelope.ts';
import { importReplySenderKey, replyIdOf, sealReply, type ReplyMessage, type ReplyPhrase, type SealedReply } from '../contact/reply.ts';
import { swedishDay, type ContactRequest } from '../contact/request.ts';
import { loadHelpDirectory } from '../help-directory/schema.ts';
import { defaultLocale, type Locale } from '../i18n/locales.ts';
import { KEYS_FOLDER } from './keygen.ts';

/** What the writer chose: phrases from the bank and, optionally, free text. */
export interface ReplyDraft {
  phrases: ReplyPhrase[];
  /** Free text; `lang` is Swedish unless the writer picks another language. */
  text?: { body: string; lang?: Locale };
}

/** The recipient's own key: HPKE auth-mode sender and the signer of the post. */
export interface ReplySender {
  kid: string;
  privateJwk: PrivateKeyJwk;
}

/** A sealed reply ready to deliver; holds no plaintext but `message` (kept by the intake as its record). */
export interface OutgoingReply {
  v: 1;
  /** base64url(SHA-256(ct))[0..16]: the Worker's id for it, and the outbox file name. */
  replyId: string;
  mailbox: string;
  reply: SealedReply;
  /** The request answered, for the inbox's record. */
  case: string;
  receipt: string;
  /** What was written, for the municipality's own record (never sent in clear). */
  message: ReplyMessage;
  writtenAt: string;
}

export class ReplyWriteError extends Error {}

/** Reads the private key with this kid from <dir>/keys (the key the request was sealed to). */
export async function loadReplySender(dir: string, kid: string): Promise<ReplySender> {
  let raw: string;
  try {
    raw = await readFile(join(dir, KEYS_FOLDER, `${kid}.private.jwk.json`), 'utf8');
  } catch {
    throw new ReplyWriteError(`no private key ${kid} in ${join(dir, KEYS_FOLDER)}: a reply is sent with the key the request was sealed to`);
  }
  const { kty, crv, x, y, d } = JSON.parse(raw) as PrivateKeyJwk;
  return { kid, privateJwk: { kty, crv, x, y, d } };
}

/**
 * The phone numbers a "could not reach you" phrase may give: only the
 * recipient's own verified numbers from the help directory (the `truth`
 * work moves them into the recipients data; switch the source here then).
 */
export function recipientPhoneNumbers(recipient: string): string[] {
  const directory = loadHelpDirectory();
  return directory.units
    .filter((unit) => unit.municipality === recipient)
    .flatMap((unit) => (unit.reach.how === 'phone' ? [unit.reach.phone.display] : []));
}

/** Seals the draft to the request's reply key. Throws ReplyWriteError or ReplyError (bad_reply, too_large, bad_key). */
export async function writeReply(request: ContactRequest, draft: ReplyDraft, sender: ReplySender, now: Date = new Date()): Promise<OutgoingReply> {
  if (!request.reply) throw new ReplyWriteError(`request ${request.receipt} did not ask for an answer on the site`);
  const message: ReplyMessage = {
    v: 1,
    id: crypto.randomUUID(),
    case: request.followUpOf ?? request.id,
    receipt: request.receipt,
    created: swedishDay(now),
    phrases: draft.phrases,
    ...(draft.text?.body ? { text: { lang: draft.text.lang ?? defaultLocale, body: draft.text.body } } : {}),
  };
  const reply = await sealReply(message, request.reply, await importReplySenderKey(sender.privateJwk));
  return {
    v: 1,
    replyId: await replyIdOf(reply.ct),
    mailbox: request.reply.mailbox,
    reply,
    case: message.case,
    receipt: request.receipt,
    message,
    writtenAt: now.toISOString(),
  };
}
