/**
 * `npm run intake -- reply <receipt code | id> --phrase <id> … [--text "…"] [--lang sv]`
 * and `npm run intake -- deliver-replies [--watch]`, against the file inbox.
 * The work itself is in reply-writer.ts, reply-delivery.ts and
 * reply-outbox.ts, which the team inbox calls the same way.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { replyPhraseIds, type ReplyPhrase, type ReplyPhraseId, type ReplyMessage } from '../contact/reply.ts';
import { isLocale, type Locale } from '../i18n/locales.ts';
import { useTranslations } from '../i18n/translator.ts';
import type { StringKey } from '../i18n/strings-schema.ts';
import { readOpen } from './inbox.ts';
import { deliverOutbox, enqueueReply, type OutboxSummary } from './reply-outbox.ts';
import { loadReplySender, recipientPhoneNumbers, writeReply, type ReplyDraft } from './reply-writer.ts';
import { loadRecipients } from './recipients.ts';

export const REPLY_HELP = `  reply <receipt code | id> --phrase <id> [--phrase <id> …] [--text "…"] [--lang sv] [--place "…"]
                             Answer a request that asked for an answer on the site. Phrases:
                             ${replyPhraseIds.join(', ')}.
                             could-not-reach gives the recipient's own verified number; meet needs --place.
                             --text is free text, marked as Swedish unless --lang names another site language.
                             The reply is sealed at once, kept in <dir>/outbox and sent to the site
                             ($UTVAG_SITE_URL or --site); if the site cannot be reached it waits there.
  deliver-replies [--watch] [--interval 30]
                             Send what waits in <dir>/outbox (needs $UTVAG_SITE_URL or --site).`;

export class ReplyCommandError extends Error {}

export interface ReplyOptions {
  phrase?: string[] | undefined;
  text?: string | undefined;
  lang?: string | undefined;
  place?: string | undefined;
  site?: string | undefined;
  recipients?: string | undefined;
}

/** The help-directory id a key belongs to, from the recipients file next to the intake (or the site's). */
async function recipientOfKid(dir: string, kid: string, recipientsFile?: string): Promise<string | null> {
  const candidates = recipientsFile ? [recipientsFile] : [join(dir, 'recipients.json'), 'content/intake/recipients.json'];
  for (const file of candidates.filter((f) => existsSync(f))) {
    const { keys } = await loadRecipients(file);
    const found = keys.find((key) => key.kid === kid);
    if (found) return found.recipient;
  }
  return null;
}

/** The reply in Swedish words, for the writer to see what was sent. */
export function describeReply(message: ReplyMessage, locale: Locale = 'sv'): string {
  const t = useTranslations(locale);
  const lines = message.phrases.map((phrase) => `  ${t(`reply.phrase.${phrase.id}` as StringKey, phrase as unknown as Record<string, string>)}`);
  if (message.text) lines.push(`  [${message.text.lang}] ${message.text.body.replace(/\n/g, '\n  ')}`);
  return lines.join('\n');
}

function summaryLine(summary: OutboxSummary): string {
  const parts = [`${summary.delivered} delivered`, `${summary.waiting} waiting in the outbox`];
  if (summary.refused.length > 0) parts.push(`${summary.refused.length} refused (see outbox-refused/)`);
  return parts.join(', ') + (summary.waiting > 0 && summary.lastRetryReason ? ` (last problem: ${summary.lastRetryReason})` : '');
}

export function siteUrlFrom(option: string | undefined): string | null {
  const url = option ?? process.env['UTVAG_SITE_URL'] ?? '';
  return url ? url : null;
}

export async function runReplyCommand(dir: string, receiptOrId: string, options: ReplyOptions, out: (line: string) => void): Promise<number> {
  const stored = await readOpen(dir, receiptOrId);
  if (!stored) throw new ReplyCommandError(`no open request ${receiptOrId}`);
  if (!stored.request.reply) throw new ReplyCommandError(`request ${stored.request.receipt} did not ask for an answer on the site; contact the person the way they chose`);
  const phrases: ReplyPhrase[] = [];
  for (const id of options.phrase ?? []) {
    if (!(replyPhraseIds as readonly string[]).includes(id)) throw new ReplyCommandError(`unknown phrase "${id}"; choose from ${replyPhraseIds.join(', ')}`);
    switch (id as ReplyPhraseId) {
      case 'could-not-reach': {
        const recipient = await recipientOfKid(dir, stored.kid, options.recipients);
        const phone = recipient ? recipientPhoneNumbers(recipient)[0] : undefined;
        if (!phone) throw new ReplyCommandError(`no verified phone number for recipient ${recipient ?? '(unknown key)'}: could-not-reach cannot be used`);
        phrases.push({ id: 'could-not-reach', phone });
        break;
      }
      case 'meet':
        if (!options.place?.trim()) throw new ReplyCommandError('the phrase meet needs --place "where"');
        phrases.push({ id: 'meet', place: options.place.trim() });
        break;
      default:
        phrases.push({ id } as ReplyPhrase);
    }
  }
  if (options.lang !== undefined && !isLocale(options.lang)) throw new ReplyCommandError(`--lang must be one of sv, en, ar, fa, so, ti`);
  const draft: ReplyDraft = {
    phrases,
    ...(options.text?.trim() ? { text: { body: options.text.trim(), ...(options.lang ? { lang: options.lang as Locale } : {}) } } : {}),
  };
  if (draft.phrases.length === 0 && !draft.text) throw new ReplyCommandError('a reply needs at least one --phrase or a --text');

  const outgoing = await writeReply(stored.request, draft, await loadReplySender(dir, stored.kid));
  const file = await enqueueReply(dir, outgoing);
  out(`Reply to ${stored.request.receipt} sealed and kept in ${file}:`);
  out(describeReply(outgoing.message));
  const site = siteUrlFrom(options.site);
  if (!site) {
    out('Not sent yet: set UTVAG_SITE_URL (or --site), then run "npm run intake -- deliver-replies".');
    return 0;
  }
  out(summaryLine(await deliverOutbox(dir, site)));
  return 0;
}

export async function runDeliverReplies(
  dir: string,
  options: { site?: string; watch?: boolean; intervalSeconds?: number },
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const site = siteUrlFrom(options.site);
  if (!site) throw new ReplyCommandError('deliver-replies needs UTVAG_SITE_URL or --site');
  for (;;) {
    const summary = await deliverOutbox(dir, site);
    if (!options.watch || summary.delivered > 0 || summary.refused.length > 0) io.out(summaryLine(summary));
    if (!options.watch) return summary.refused.length > 0 ? 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, (options.intervalSeconds ?? 30) * 1000));
  }
}

/** Sends waiting replies every 30 s while the receiver runs; returns a stop function. No site URL: does nothing. */
export function startReplyDeliveryLoop(dir: string, site: string | null, io: { out: (line: string) => void; err: (line: string) => void }, intervalMs = 30_000): () => void {
  if (!site) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    deliverOutbox(dir, site)
      .then((summary) => {
        if (summary.delivered > 0 || summary.refused.length > 0) io.out(`replies: ${summaryLine(summary)}`);
      })
      .catch((error: unknown) => io.err(`reply delivery failed (${(error as Error).message}); the replies wait in the outbox`))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
