/**
 * `npm run intake -- reply <receipt code> --phrase <id> … [--text "…"] [--lang sv]`
 * and `npm run intake -- deliver-replies [--watch]`, against the store: the
 * request is found by its receipt code, decrypted in memory with the
 * unlocked vault, answered with the key it was sealed to, and the sealed
 * reply is committed to the store's outbox before it is sent. The work
 * itself is in reply-writer.ts and reply-outbox.ts, which the team inbox
 * calls the same way.
 */
import { keyRing } from '../../protocol/envelope-open.ts';
import type { ReplyMessage } from '../../protocol/reply.ts';
import { replyPhraseIds } from '../../protocol/limits.ts';
import type { Locale } from '../../protocol/locales.ts';
import { replyPhraseText } from '../../protocol/reply-phrases.ts';
import { appendAudit } from './audit.ts';
import type { UnlockedVault } from './key-vault.ts';
import type { RecipientDirectory } from './promise.ts';
import { deliverOutbox, enqueueReply, summaryLine } from './reply-outbox.ts';
import { replyDraft, senderFromVault, writeReply, ReplyWriteError } from './reply-writer.ts';
import type { IntakeStore } from './store.ts';
import { INTAKE_COMMAND } from './command-name.ts';

export const REPLY_HELP = `  reply <receipt code> --phrase <id> [--phrase <id> …] [--text "…"] [--lang sv] [--place "…" --time "…"] [--date YYYY-MM-DD]
                             Answer a request that asked for an answer on the site. Phrases:
                             ${replyPhraseIds.join(', ')}.
                             could-not-reach gives the recipient's own phone from recipients.json; meet needs --place
                             and --time; write-again needs --date; will-call only for a request that chose call or sms.
                             --text is free text, marked as Swedish unless --lang names another site language.
                             The reply is sealed at once, kept in the store's outbox and sent to the site
                             ($UTVAG_SITE_URL or --site); if the site cannot be reached it waits there
                             (a running serve with UTVAG_SITE_URL sends it). Needs the passphrase.
  deliver-replies [--watch] [--interval 30]
                             Send what waits in the outbox (needs $UTVAG_SITE_URL or --site, and the passphrase).`;

export class ReplyCommandError extends Error {}

export interface ReplyOptions {
  phrase?: string[] | undefined;
  text?: string | undefined;
  lang?: string | undefined;
  place?: string | undefined;
  time?: string | undefined;
  date?: string | undefined;
  site?: string | undefined;
}

/** The reply in words (Swedish unless told), for the writer to see what was sent. */
export function describeReply(message: ReplyMessage, locale: Locale = 'sv'): string {
  const lines = message.phrases.map((phrase) => `  ${replyPhraseText(locale, phrase.id, phrase as unknown as Record<string, string>)}`);
  if (message.text) lines.push(`  [${message.text.lang}] ${message.text.body.replace(/\n/g, '\n  ')}`);
  return lines.join('\n');
}

/** The site's address (--site, else $UTVAG_SITE_URL, resolved by config.ts), or null when none is given. */
export function siteUrlFrom(given: string | undefined): string | null {
  return given ? given : null;
}

/**
 * Finds the request with this receipt code, writes the reply and keeps it
 * in the outbox. Returns the reply id. Throws ReplyCommandError or
 * ReplyWriteError with a message for the writer.
 */
export async function answerByReceipt(
  store: IntakeStore,
  vault: Pick<UnlockedVault, 'keys'>,
  recipients: RecipientDirectory,
  receiptCode: string,
  options: ReplyOptions,
  actor: string,
  now: Date = new Date(),
): Promise<{ ref: string; receipt: string; message: ReplyMessage }> {
  const found = store.findByReceipt(receiptCode);
  if (!found.ok) throw new ReplyCommandError(`"${receiptCode}" is not a receipt code (${found.reason})`);
  if (found.refs.length === 0) throw new ReplyCommandError(`no request with receipt code ${found.code}`);
  if (found.refs.length > 1)
    throw new ReplyCommandError(
      `${found.refs.length} requests have receipt code ${found.code}: answer from the team inbox, where each can be told apart`,
    );
  const row = store.get(found.refs[0]!)!;
  const opened = await store.open(row, keyRing(vault.keys));
  const request = opened.request;
  if (!request) throw new ReplyCommandError(`the request with receipt code ${found.code} needs review in the team inbox first`);
  if (!request.reply)
    throw new ReplyCommandError(`request ${request.receipt} did not ask for an answer on the site; contact the person the way they chose`);
  const draft = replyDraft(
    { phrases: options.phrase ?? [], text: options.text, lang: options.lang, place: options.place, time: options.time, date: options.date },
    recipients.phoneOf?.(row.recipient) ?? null,
  );
  const outgoing = await writeReply(request, draft, senderFromVault(vault, row.kid), now);
  store.transaction(() => {
    enqueueReply(store, row.ref, null, outgoing, now);
    appendAudit(store, actor, 'replied', row.ref, null, now);
  });
  return { ref: row.ref, receipt: request.receipt, message: outgoing.message };
}

export async function runReplyCommand(
  store: IntakeStore,
  vault: UnlockedVault,
  recipients: RecipientDirectory,
  receiptCode: string,
  options: ReplyOptions,
  out: (line: string) => void,
): Promise<number> {
  const written = await answerByReceipt(store, vault, recipients, receiptCode, options, 'cli');
  out(`Reply to ${written.receipt} sealed and kept in the outbox:`);
  out(describeReply(written.message));
  const site = siteUrlFrom(options.site);
  if (!site) {
    out(
      `Not sent yet: set UTVAG_SITE_URL (or --site) and run "${INTAKE_COMMAND} deliver-replies", or let a running serve with UTVAG_SITE_URL send it.`,
    );
    return 0;
  }
  out(summaryLine(await deliverOutbox(store, (kid) => senderOrNull(vault, kid), site)));
  return 0;
}

export function senderOrNull(vault: Pick<UnlockedVault, 'keys'>, kid: string) {
  try {
    return senderFromVault(vault, kid);
  } catch (error) {
    if (error instanceof ReplyWriteError) return null;
    throw error;
  }
}

export async function runDeliverReplies(
  store: IntakeStore,
  vault: UnlockedVault,
  options: { site?: string | undefined; watch?: boolean; intervalSeconds?: number },
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const site = siteUrlFrom(options.site);
  if (!site) throw new ReplyCommandError('deliver-replies needs UTVAG_SITE_URL or --site');
  for (;;) {
    const summary = await deliverOutbox(store, (kid) => senderOrNull(vault, kid), site);
    if (!options.watch || summary.delivered > 0 || summary.refused.length > 0) io.out(summaryLine(summary));
    if (!options.watch) return summary.refused.length > 0 ? 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, (options.intervalSeconds ?? 30) * 1000));
  }
}
