/**
 * The team inbox's HTML, rendered on the server with hono/html (which
 * escapes every interpolated value). No inline script or style: the CSP
 * allows only the inbox's own files. Every page works with the keyboard
 * and at 200 % zoom (one column, no fixed widths); state is never shown by
 * colour alone.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContactRequest } from '../../../protocol/request.ts';
import type { Staff } from '../accounts.ts';
import type { AuditLine } from '../audit.ts';
import type { KeyReminder } from '../keys/key-dates.ts';
import type { RecipientPromise } from '../promise.ts';
import type { OpenedRequest } from '../opened-request.ts';
import type { RequestRow, RequestStatus } from '../store/requests.ts';
import { inboxText, VAULT_WORDS, type InboxLanguage, type InboxText } from './text.ts';
import { replyPhraseIds, replyPhrasesFor, type ReplyMessage, type ReplyPhraseId } from '../../../protocol/reply.ts';
import { locales, type Locale } from '../../../protocol/locales.ts';
import type { ContactMethodName } from '../../../protocol/limits.ts';
import { replyPhraseText } from '../../../protocol/reply-phrases.ts';
import { describeTimeLeft } from '../time-left.ts';
import { mayHandle, notHandlingReason } from './need-to-know.ts';
import { normalizeReceiptCode } from '../../../protocol/receipt-code.ts';
import {
  auditActionLabel,
  auditActorLabel,
  languageLabel,
  methodLabel,
  municipalityLabel,
  needLabel,
  quarantineLabel,
  statusLabel,
} from './labels.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Requests per list page: the most urgent first, so the first page is what matters. */
export const PAGE_SIZE = 100;

/** Less than this left on the promise: marked urgent. */
export const URGENT_MS = 2 * 3_600_000;

export interface PageContext {
  lang: InboxLanguage;
  t: InboxText;
  staff: Staff | null;
  csrf: string | null;
  /** A short confirmation or error shown at the top (already a text, not a key). */
  flash?: { kind: 'ok' | 'error'; text: string } | undefined;
}

// One formatter per language: making an Intl.DateTimeFormat costs far more than using one.
const timeFormats: Record<InboxLanguage, Intl.DateTimeFormat> = {
  sv: new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'medium', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', dateStyle: 'medium', timeStyle: 'short' }),
};

export function formatTime(ms: number, lang: InboxLanguage): string {
  return timeFormats[lang].format(new Date(ms));
}

// A key's last day is a UTC calendar day (keys/key-dates.ts): shown as that day, whatever the time zone.
const dayFormats: Record<InboxLanguage, Intl.DateTimeFormat> = {
  sv: new Intl.DateTimeFormat('sv-SE', { timeZone: 'UTC', dateStyle: 'long' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'long' }),
};

/** A YYYY-MM-DD day in words ("31 mars 2027"). */
export function formatDay(day: string, lang: InboxLanguage): string {
  return dayFormats[lang].format(new Date(`${day}T00:00:00Z`));
}

/**
 * The reminder an administrator sees (the list page, the keys page) when
 * the newest key for requests ends within 30 days: the same date and rule
 * as serve's reminder (keys/key-dates.ts), and where to make the next one.
 */
export function keyReminderNotice(ctx: PageContext, reminder: KeyReminder | null) {
  const { t } = ctx;
  if (!reminder || ctx.staff?.role !== 'admin') return '';
  return html`<p class="flash error" id="key-reminder">
    ${reminder.ended ? t.keysReminderEnded : t.keysReminderEnds} ${formatDay(reminder.newestEnds, ctx.lang)}. ${t.keysReminderAction}
    <a href="/keys">${t.navKeys}</a>.
  </p>`;
}

export function csrfField(ctx: PageContext) {
  return html`<input type="hidden" name="csrf" value="${ctx.csrf ?? ''}" />`;
}

/**
 * What the app needs of a page beyond its words: the page's metadata, as
 * JSON in `<script type="application/json" id="inbox-page">` (not executed,
 * `<` escaped), next to the words block.
 */
export type AppPageData = RequestPageData | ListPageData | LookupPageData;

/** Every word: the pages whose content the app renders with the functions below need them all. */
export const ALL_WORDS = Object.keys(inboxText.sv) as (keyof InboxText)[];

function pageData(data: AppPageData) {
  return raw(`<script type="application/json" id="inbox-page">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`);
}

/** A request's row without its envelope: what the pages show and the app is given. */
export type RowMeta = Omit<RequestRow, 'envelope'>;

export function rowMeta(row: RequestRow): RowMeta {
  const { envelope: _envelope, ...meta } = row;
  return meta;
}

/** Says, where JavaScript is off, that requests open only in the browser app. */
function needsApp(t: InboxText) {
  return html`<noscript><p class="flash error">${t.needsJsInbox}</p></noscript>`;
}

/** What the browser app is told about a page (`<body data-page>`) and the words it needs. */
export interface LayoutOptions {
  scripts?: string[];
  /** The browser app's page module (intake/src/browser/main.ts); none: only the unlock step. */
  page?: string;
  /** More of the page's words for the app, beyond VAULT_WORDS. */
  words?: readonly (keyof InboxText)[];
  /** The page's metadata for the app (request, list, look-up). */
  data?: AppPageData;
}

/** The app's words as JSON inside `<script type="application/json">` (never executed; `<` escaped). */
function appWords(t: InboxText, more: readonly (keyof InboxText)[] = []) {
  const words = Object.fromEntries([...VAULT_WORDS, ...more].map((key) => [key, t[key]]));
  return raw(`<script type="application/json" id="inbox-words">${JSON.stringify(words).replace(/</g, '\\u003c')}</script>`);
}

export function layout(ctx: PageContext, title: string, body: Html, options: LayoutOptions = {}) {
  const { t } = ctx;
  const admin = ctx.staff?.role === 'admin';
  return html`<!doctype html>
    <html lang="${ctx.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${title} – ${t.title} – ${t.product}</title>
        <link rel="stylesheet" href="/assets/inbox.css" />
        ${(options.scripts ?? ['/assets/inbox.js', '/assets/inbox-app.js']).map((src) => html`<script type="module" src="${src}"></script>`)}
        ${appWords(t, options.words)}
      </head>
      <body
        data-lang="${ctx.lang}"
        data-page="${options.page ?? ''}"
        ${ctx.staff ? html`data-staff-id="${ctx.staff.id}" data-role="${ctx.staff.role}" data-csrf="${ctx.csrf ?? ''}"` : ''}
      >
        ${options.data ? pageData(options.data) : ''}
        <a class="skip" href="#main">${t.skip}</a>
        <header class="top">
          <p class="brand">${t.product} · ${t.title}</p>
          ${
            ctx.staff
              ? html`${
                    ctx.staff.confirmedAt === null
                      ? ''
                      : html`<nav aria-label="${t.title}">
                          <ul>
                            <li><a href="/">${t.navInbox}</a></li>
                            <li><a href="/lookup">${t.navLookup}</a></li>
                            <li><a href="/review">${t.navReview}</a></li>
                            <li><a href="/closed">${t.navClosed}</a></li>
                            ${
                              admin
                                ? html`<li><a href="/staff">${t.navStaff}</a></li>
                                    <li><a href="/audit">${t.navAudit}</a></li>
                                    <li><a href="/connection">${t.navConnection}</a></li>`
                                : ''
                            }
                          </ul>
                        </nav>`
                  }
                  <div class="account">
                    <p>${t.signedInAs} <strong>${ctx.staff.name}</strong></p>
                    <form method="post" action="/sign-out">${csrfField(ctx)}<button type="submit">${t.signOut}</button></form>
                    <form method="post" action="/sign-out-everywhere">
                      ${csrfField(ctx)}<button type="submit">${t.signOutEverywhere}</button>
                    </form>
                    <button type="button" class="notify" hidden>${t.notifyOn}</button>
                  </div>`
              : ''
          }
          <p class="lang"><a href="/lang/${t.languageHref}" lang="${t.languageHref}">${t.language}</a></p>
        </header>
        <main id="main" tabindex="-1">
          ${ctx.flash ? html`<p class="flash ${ctx.flash.kind}" role="${ctx.flash.kind === 'error' ? 'alert' : 'status'}">${ctx.flash.text}</p>` : ''}
          ${
            ctx.staff
              ? html`<noscript><p>${t.vaultNeedsJs}</p></noscript>
                  <section id="vault-unlock" class="vault-unlock" hidden></section>`
              : ''
          }
          ${body}
        </main>
      </body>
    </html>`;
}

/** The example in the look-up hint, written by receipt-code.ts's own formatting (today's 12 digits). */
const EXAMPLE_CODE = (normalizeReceiptCode('482915307621') as { code: string }).code;

/** What a list row may say about a request without opening its page (issue 22, part 7). */
export interface RowSummary {
  locale: Locale;
  method: ContactMethodName;
  answerHere: boolean;
  followUp: boolean;
  probableDuplicate: boolean;
}

function cues(summary: RowSummary, t: InboxText) {
  const words = [
    summary.answerHere ? t.cueAnswerHere : null,
    summary.followUp ? t.cueFollowUp : null,
    summary.probableDuplicate ? t.cueDuplicate : null,
  ].filter((w): w is string => w !== null);
  return words.length === 0
    ? t.cueNone
    : html`<ul class="cues">
        ${words.map((w) => html`<li>${w}</li>`)}
      </ul>`;
}

/** The clock cell: time left, or "no promise configured"; urgent and overdue in words, not only colour. */
function clock(row: Pick<RequestRow, 'dueAt'>, now: number, t: InboxText) {
  if (row.dueAt === null) return html`<span class="no-promise">${t.noPromise}</span>`;
  const left = row.dueAt - now;
  const level = left < 0 ? 'overdue' : left < URGENT_MS ? 'urgent' : 'ok';
  return html`<span class="clock ${level}" data-due="${row.dueAt}"
    >${level === 'overdue' ? html`<strong>${t.overdue}:</strong> ` : level === 'urgent' ? html`<strong>${t.urgent}:</strong> ` : ''}<span
      class="left"
      >${describeTimeLeft(left, t)}</span
    ></span
  >`;
}

export function listPage(
  ctx: PageContext,
  rows: RequestRow[],
  now: number,
  counts: { review: number; open: number; page: number; pageCount: number },
  reminder: KeyReminder | null = null,
) {
  const { t } = ctx;
  const from = (counts.page - 1) * PAGE_SIZE;
  const data: ListPageData = { kind: 'list', refs: rows.map((row) => row.ref) };
  return layout(
    ctx,
    t.listHeading,
    html`<h1>${t.listHeading}</h1>
      ${keyReminderNotice(ctx, reminder)}
      <p>${t.listIntro}</p>
      ${counts.review > 0 ? html`<p class="flash error"><a href="/review">${t.navReview}: ${counts.review}</a></p>` : ''}
      ${
        rows.length === 0
          ? html`<p>${t.listEmpty}</p>`
          : html`<table class="requests">
                <thead>
                  <tr>
                    <th scope="col">${t.colTimeLeft}</th>
                    <th scope="col">${t.colStatus}</th>
                    <th scope="col">${t.colReceived}</th>
                    <th scope="col">${t.colClaimedBy}</th>
                    <th scope="col">${t.colLanguage}</th>
                    <th scope="col">${t.colContact}</th>
                    <th scope="col">${t.colCues}</th>
                    <th scope="col">${t.colOpen}</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (row, index) =>
                      html`<tr class="${row.dueAt !== null && row.dueAt - now < URGENT_MS ? 'urgent-row' : ''}" data-ref="${row.ref}">
                        <td>${clock(row, now, t)}</td>
                        <td>${statusLabel(row.status, t)}${row.followUps > 0 ? html` · <strong>${t.wroteBack}</strong>` : ''}</td>
                        <td>${formatTime(row.receivedAt, ctx.lang)}</td>
                        <td>${row.claimedByName ?? t.nobody}</td>
                        <td data-cue="language">…</td>
                        <td data-cue="method">…</td>
                        <td data-cue="cues">…</td>
                        <td>
                          <a href="/r/${row.ref}">${t.open}<span class="visually-hidden"> ${index + 1}</span></a>
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <p>${t.showing} ${from + 1}–${from + rows.length} ${t.of} ${counts.open}.</p>
              ${
                counts.pageCount > 1
                  ? html`<nav aria-label="${t.pages}">
                      <ul class="pager">
                        ${counts.page > 1 ? html`<li><a href="/?page=${counts.page - 1}">${t.previousPage}</a></li>` : ''}
                        ${counts.page < counts.pageCount ? html`<li><a href="/?page=${counts.page + 1}">${t.nextPage}</a></li>` : ''}
                      </ul>
                    </nav>`
                  : ''
              }`
      }
      ${needsApp(t)}`,
    { page: 'list', words: ALL_WORDS, data },
  );
}

/** The list page's data for the app: the refs whose cues it fills in. */
export interface ListPageData {
  kind: 'list';
  refs: string[];
}

/** A row's cue cells (language, contact, cues), filled in by the app once it opened the row's envelope. */
export function summaryCells(summary: RowSummary | null, ctx: PageContext): { language: Html; method: Html; cues: Html } {
  const { t } = ctx;
  if (!summary) return { language: html`${t.notGiven}`, method: html`${t.notGiven}`, cues: html`${t.cueNone}` };
  return {
    language: html`${languageLabel(summary.locale, ctx.lang)}`,
    method: html`${methodLabel(summary.method, t)}`,
    cues: html`${cues(summary, t)}`,
  };
}

function yesNo(value: boolean, t: InboxText) {
  return value ? t.yes : t.no;
}

function safeContact(request: ContactRequest, t: InboxText) {
  const c = request.contact;
  return html`<section class="safe-contact" aria-labelledby="before-call">
    <h2 id="before-call">${t.beforeYouCall}</h2>
    <p class="remind"><strong>${c.method === 'sms' ? t.askCodeFirstSms : t.askCodeFirst}</strong></p>
    <dl>
      <dt>${t.howToContact}</dt>
      <dd>${methodLabel(c.method, t)}</dd>
      <dt>${t.phone}</dt>
      <dd>${c.phone ? html`<span class="phone">${c.phone}</span>` : t.noPhone}</dd>
      <dt>${t.safeTimes}</dt>
      <dd>${c.safeTimes || t.notGiven}</dd>
      <dt>${t.voicemail}</dt>
      <dd>${c.voicemailOk ? t.voicemailYes : html`<strong>${t.voicemailNo}</strong>`}</dd>
      <dt>${t.mayName}</dt>
      <dd>${c.mayNameSocialServices ? t.mayNameYes : html`<strong>${t.mayNameNo}</strong>`}</dd>
      <dt>${t.answerHere}</dt>
      <dd>${request.reply ? html`<a href="#reply">${t.answerHereYes}</a>` : t.no}</dd>
      ${
        request.followUpOf
          ? html`<dt>${t.followUpOf}</dt>
              <dd>${t.followUpOfHelp}</dd>`
          : ''
      }
      <dt>${t.contactLanguage}</dt>
      <dd>${request.language || t.notGiven}</dd>
      <dt>${t.interpreter}</dt>
      <dd>${yesNo(request.interpreter, t)}</dd>
    </dl>
  </section>`;
}

function aboutRequest(request: ContactRequest, ctx: PageContext) {
  const { t } = ctx;
  return html`<section aria-labelledby="about">
    <h2 id="about">${t.aboutRequest}</h2>
    <dl>
      <dt>${t.receiptCode}</dt>
      <dd><span class="code">${request.receipt}</span></dd>
      <dt>${t.role}</dt>
      <dd>${t[`role_${request.role}`]}</dd>
      <dt>${t.municipality}</dt>
      <dd>${municipalityLabel(request.municipality, t)}</dd>
      <dt>${t.needs}</dt>
      <dd>${request.needs.length > 0 ? request.needs.map((need) => needLabel(need, ctx.lang)).join(', ') : t.noNeeds}</dd>
      <dt>${t.written}</dt>
      <dd>${request.created}</dd>
      <dt>${t.siteLanguage}</dt>
      <dd>${languageLabel(request.locale, ctx.lang)}</dd>
    </dl>
    <h3>${t.message}</h3>
    ${request.message ? html`<div class="message" lang="${request.locale}" dir="auto">${request.message}</div>` : html`<p>${t.noMessage}</p>`}
  </section>`;
}

function needsReview(opened: OpenedRequest, t: InboxText) {
  return html`<section aria-labelledby="review">
    <h2 id="review">${t.reviewHeading}</h2>
    <p>${t.reviewIntro}</p>
    <h3>${t.unknownFields}</h3>
    ${
      opened.unknownFields.length > 0
        ? html`<ul>
            ${opened.unknownFields.map((f) => html`<li><code>${f}</code></li>`)}
          </ul>`
        : html`<p>–</p>`
    }
    <h3>${t.problems}</h3>
    <ul>
      ${opened.problems.map((p) => html`<li><code>${p}</code></li>`)}
    </ul>
    <h3>${t.rawContent}</h3>
    <pre class="raw" dir="auto">${typeof opened.raw === 'string' ? opened.raw : JSON.stringify(opened.raw, null, 2)}</pre>
  </section>`;
}

/** One write-back in a case's thread: when it came and what the person wrote. */
export interface ThreadEntry {
  at: number;
  message: string;
  /** Its proof did not verify with the case's reply key: shown, marked, never taken as the person's. */
  unconfirmed?: boolean;
}

/** The case's thread: what the person wrote back, oldest first (WIRE-FORMAT.md §16). */
function threadSection(ctx: PageContext, thread: ThreadEntry[]) {
  const { t } = ctx;
  if (thread.length === 0) return '';
  return html`<section aria-labelledby="thread" class="thread">
    <h2 id="thread">${t.thread}</h2>
    <p class="hint">${t.threadHelp}</p>
    <ol class="notes">
      ${thread.map(
        (entry) =>
          html`<li>
            <p class="meta">
              ${formatTime(entry.at, ctx.lang)}${entry.unconfirmed ? html` · <strong>${t.threadUnconfirmed}</strong>` : ''}
            </p>
            <p class="note-text" dir="auto">${entry.message}</p>
          </li>`,
      )}
    </ol>
  </section>`;
}

/** A note as the app shows it: its text once opened, or null for a note still under the old store secret. */
export interface NoteView {
  at: number;
  author: string;
  text: string | null;
}

/** The request page's data for the app: the row's metadata and what the content needs from the server. */
export interface RequestPageData {
  kind: 'request';
  row: RowMeta;
  replies: { enabled: boolean; phone: { display: string } | null };
  /** Staff names by id, for notes and replies (the names stay on the server, N14). */
  staffNames: Record<string, string>;
}

/**
 * The request page as the server renders it: metadata only (status, claim,
 * clock, deadline, the claim and status forms). The content (the request,
 * its thread, notes, export and reply) is opened and rendered by the app in
 * the slot `#request-app` with requestContent below.
 */
export function requestPage(
  ctx: PageContext,
  row: RequestRow,
  now: number,
  promise: RecipientPromise | null,
  replies: RequestPageData['replies'] = { enabled: false, phone: null },
  staffNames: Record<string, string> = {},
) {
  const { t } = ctx;
  const mine = row.claimedBy !== null && row.claimedBy === ctx.staff?.id;
  const handles = mayHandle(ctx.staff, row);
  const statuses: Exclude<RequestStatus, 'new'>[] = ['claimed', 'contacted', 'unreachable', 'closed'];
  const data: RequestPageData = { kind: 'request', row: rowMeta(row), replies, staffNames };
  return layout(
    ctx,
    t.requestHeading,
    html`<h1>${t.requestHeading} <span class="code" data-slot="receipt"></span></h1>
      <p class="state">
        ${t.colStatus}:
        <strong>${statusLabel(row.status, t)}</strong
        >${row.claimedByName ? html` · ${t.claimedByOther} <strong>${row.claimedByName}</strong>` : ''}
      </p>
      <p>
        ${t.colTimeLeft}:
        ${clock(row, now, t)}${row.dueAt !== null ? html` · ${t.deadline} ${formatTime(row.dueAt, ctx.lang)}` : html` <span class="hint">${t.noPromiseHelp}</span>`}${promise?.madeBy ? html` · ${t.promiseBy} ${promise.madeBy}` : ''}
      </p>
      <section class="actions" aria-label="${t.setStatus}">
        ${
          row.status === 'new'
            ? html`<form method="post" action="/r/${row.ref}/claim">
                ${csrfField(ctx)}
                <p class="hint">${t.claimHelp}</p>
                <button type="submit" class="primary">${t.claim}</button>
              </form>`
            : !handles
              ? html`<p class="hint">${t.notYours}</p>`
              : html`${mine ? html`<p>${t.claimedByYou}</p>` : ''}
                  <form method="post" action="/r/${row.ref}/status">
                    ${csrfField(ctx)}
                    <fieldset>
                      <legend>${t.setStatus}</legend>
                      ${statuses.map(
                        (status) =>
                          html`<div class="choice">
                            <input
                              type="radio"
                              name="status"
                              id="status-${status}"
                              value="${status}"
                              ${status === row.status ? raw(' checked') : ''}
                            /><label for="status-${status}">${statusLabel(status, t)}</label>
                          </div>`,
                      )}
                    </fieldset>
                    <button type="submit">${t.save}</button>
                  </form>
                  ${mine && row.status === 'claimed' ? html`<form method="post" action="/r/${row.ref}/release">${csrfField(ctx)}<button type="submit">${t.release}</button></form>` : ''}`
        }
      </section>
      ${row.originalGone ? html`<p class="flash error">${t.originalGone}</p>` : ''} ${needsApp(t)}
      <div id="request-app" data-ref="${row.ref}" aria-busy="true">
        <p class="hint" data-slot="opening">${t.opening}</p>
      </div>`,
    { page: 'request', words: ALL_WORDS, data },
  );
}

/**
 * What the app renders in `#request-app` once it opened the envelope:
 * the request (or what a needs-review one holds), the thread, notes,
 * export and the way back. `handles` etc. come from the row's metadata.
 */
export function requestContent(
  ctx: PageContext,
  row: RowMeta,
  opened: OpenedRequest,
  notes: NoteView[],
  replies: ReplySection,
  thread: ThreadEntry[] = [],
) {
  const { t } = ctx;
  const handles = mayHandle(ctx.staff, row);
  return html`${opened.request ? html`${safeContact(opened.request, t)}${aboutRequest(opened.request, ctx)}` : needsReview(opened, t)}
    ${threadSection(ctx, thread)}
    <section aria-labelledby="notes">
      <h2 id="notes">${t.notes}</h2>
      <p class="hint">${t.notesHelp}</p>
      ${
        notes.length === 0
          ? html`<p>${t.noNotes}</p>`
          : html`<ol class="notes">
              ${notes.map(
                (n) =>
                  html`<li>
                    <p class="meta">${formatTime(n.at, ctx.lang)} · ${n.author}</p>
                    ${n.text === null ? html`<p class="hint">${t.noteLegacy}</p>` : html`<p class="note-text" dir="auto">${n.text}</p>`}
                  </li>`,
              )}
            </ol>`
      }
      <form class="note-form" data-form="note">
        <label for="note">${t.noteLabel}</label>
        <textarea id="note" name="note" rows="4" maxlength="4000" required spellcheck="false"></textarea>
        <button type="submit">${t.addNote}</button>
      </form>
    </section>
    <section aria-labelledby="export">
      <h2 id="export">${t.export}</h2>
      ${
        handles
          ? html`<form data-form="export">
              <p class="hint">${t.exportHelp}</p>
              <button type="submit">${t.export}</button>
            </form>`
          : html`<p class="hint">${t[notHandlingReason(row)]}</p>`
      }
    </section>
    ${replySection(ctx, row, opened.request, replies)}`;
}

/** Why a request could not be opened in this browser, in words (the app shows it in `#request-app`). */
export function requestFault(ctx: PageContext, fault: 'damaged' | 'noKey' | 'noAccess' | 'failed') {
  const { t } = ctx;
  const words = { damaged: t.faultDamaged, noKey: t.faultNoKey, noAccess: t.faultNoAccess, failed: t.faultFailed };
  return html`<p class="flash error" role="alert">${words[fault]}</p>`;
}

/** What the request page shows of the way back (issue 14). */
export interface ReplySection {
  /** This intake can seal and send replies (the team inbox of `serve`). */
  enabled: boolean;
  /** The recipient's own phone from recipients.json, for "could not reach you". */
  phone: { display: string } | null;
  /** Replies written to this request: what was written, opened in the browser (null: an old record not moved yet). */
  sent: { id: string; at: number; author: string | null; state: string; problem: string | null; message: ReplyMessage | null }[];
}

function phraseLabel(ctx: PageContext, id: ReplyPhraseId, phone: { display: string } | null, params: Record<string, string> = {}) {
  return replyPhraseText(ctx.lang, id, { phone: phone?.display ?? '…', place: '…', time: '…', date: '…', ...params });
}

function replySection(ctx: PageContext, row: RowMeta, request: ContactRequest | null, replies: ReplySection) {
  const { t } = ctx;
  const states = t as unknown as Record<string, string>;
  const sent = replies.sent.map((reply) => {
    const message = reply.message;
    return html`<li>
      <p class="meta">
        ${formatTime(reply.at, ctx.lang)} · ${reply.author ?? t.replyByCli} ·
        <strong>${states[`replyState_${reply.state}`] ?? reply.state}</strong
        >${reply.problem && reply.state !== 'delivered' ? html` (${reply.problem})` : ''}
      </p>
      ${
        message === null
          ? html`<p class="hint">${t.replyLegacy}</p>`
          : html`<ul>
              ${message.phrases.map((phrase) => html`<li>${phraseLabel(ctx, phrase.id, replies.phone, phrase as unknown as Record<string, string>)}</li>`)}
            </ul>`
      }
      ${message?.text ? html`<p class="note-text" dir="auto" lang="${message.text.lang}">[${languageLabel(message.text.lang, ctx.lang)}] ${message.text.body}</p>` : ''}
    </li>`;
  });
  const form = html`<form class="reply-form" data-form="reply">
    <fieldset aria-describedby="reply-phrases-hint">
      <legend>${t.replyPhrases}</legend>
      <p class="hint" id="reply-phrases-hint">${t.replyPhrasesHelp}</p>
      ${(request ? replyPhrasesFor(request.contact.method) : replyPhraseIds).map((id) => {
        const unavailable = id === 'could-not-reach' && !replies.phone;
        return html`<div class="choice">
          <input
            type="checkbox"
            name="phrase"
            id="phrase-${id}"
            value="${id}"
            ${unavailable ? raw(' disabled aria-describedby="phrase-no-phone"') : ''}
          /><label for="phrase-${id}">${phraseLabel(ctx, id, replies.phone)}</label
          >${unavailable ? html` <span class="hint" id="phrase-no-phone">${t.replyNoPhone}</span>` : ''}
        </div>`;
      })}
    </fieldset>
    <label for="reply-place">${t.replyPlaceLabel}</label>
    <input id="reply-place" name="place" maxlength="200" autocomplete="off" spellcheck="false" />
    <label for="reply-time">${t.replyTimeLabel}</label>
    <input id="reply-time" name="time" maxlength="100" autocomplete="off" spellcheck="false" />
    <label for="reply-date">${t.replyDateLabel}</label>
    <input id="reply-date" name="date" type="date" autocomplete="off" />
    <label for="reply-text">${t.replyText}</label>
    <p class="hint" id="reply-text-hint">${t.replyTextHelp}</p>
    <textarea
      id="reply-text"
      name="text"
      rows="5"
      maxlength="2000"
      dir="auto"
      spellcheck="false"
      aria-describedby="reply-text-hint"
    ></textarea>
    <label for="reply-lang">${t.replyLang}</label>
    <select id="reply-lang" name="lang">
      ${locales.map((locale) => html`<option value="${locale.code}" lang="${locale.code}" ${locale.code === (request?.locale ?? 'sv') ? raw(' selected') : ''}>${locale.name}</option>`)}
    </select>
    <button type="submit" class="primary">${t.replySend}</button>
  </form>`;
  return html`<section aria-labelledby="reply" class="reply-place">
    <h2 id="reply">${t.replyPlace}</h2>
    ${
      !request?.reply
        ? html`<p>${t.replyNotAsked}</p>`
        : !mayHandle(ctx.staff, row)
          ? html`<p class="hint">${t[notHandlingReason(row)]}</p>`
          : !replies.enabled
            ? html`<p class="hint">${t.replyUnavailable}</p>`
            : html`<p class="hint">${t.replyHelp}</p>
                ${form}`
    }
    ${
      sent.length > 0
        ? html`<h3>${t.repliesSent}</h3>
            <ol class="notes replies">
              ${sent}
            </ol>`
        : ''
    }
  </section>`;
}

/** The look-up page's data for the app. */
export interface LookupPageData {
  kind: 'lookup';
}

/** A case the look-up may lead to (GET /api/cases): metadata only. */
export type CaseMeta = Pick<RequestRow, 'ref' | 'receivedAt' | 'status' | 'dueAt' | 'followUpOf'>;

export type LookupResult = { kind: 'none' } | { kind: 'invalid' } | { kind: 'found'; rows: CaseMeta[] };

/**
 * The look-up by receipt code. The code never leaves the browser: the form
 * has no action, the app opens the requests' envelopes and compares
 * (lookupResult renders what it found in `#lookup-result`).
 */
export function lookupPage(ctx: PageContext) {
  const { t } = ctx;
  const data: LookupPageData = { kind: 'lookup' };
  return layout(
    ctx,
    t.lookupHeading,
    html`<h1>${t.lookupHeading}</h1>
      ${needsApp(t)}
      <form class="lookup" data-form="lookup">
        <label for="code">${t.lookupLabel}</label>
        <p class="hint" id="code-hint">${t.lookupHelp.replace('{example}', EXAMPLE_CODE)}</p>
        <input
          id="code"
          name="code"
          autocomplete="off"
          spellcheck="false"
          autocapitalize="characters"
          aria-describedby="code-hint"
          required
        />
        <button type="submit">${t.lookupButton}</button>
      </form>
      <div id="lookup-result"></div>`,
    { page: 'lookup', words: ALL_WORDS, data },
  );
}

export function lookupResult(ctx: PageContext, result: LookupResult, now: number) {
  const { t } = ctx;
  return result.kind === 'invalid'
    ? html`<p class="flash error" role="alert">${t.lookupInvalid.replace('{example}', EXAMPLE_CODE)}</p>`
    : result.kind === 'none'
      ? html`<p class="flash" role="status">${t.lookupNone}</p>`
      : html`<div role="status">
            <p class="flash ${result.rows.length > 1 ? 'error' : 'ok'}">
              ${result.rows.length > 1 ? html`<strong>${t.lookupAmbiguous}</strong> (${result.rows.length})` : t.lookupOne}
            </p>
          </div>
          <ul class="matches">
            ${result.rows.map((row) => html`<li><a href="/r/${row.ref}">${formatTime(row.receivedAt, ctx.lang)} · ${statusLabel(row.status, t)}</a> ${clock(row, now, t)}</li>`)}
          </ul>`;
}

export function reviewPage(
  ctx: PageContext,
  rows: RequestRow[],
  quarantine: { kept: number; bytes: number; byCode: { code: string; seen: number; dropped: number }[] },
) {
  const { t } = ctx;
  return layout(
    ctx,
    t.reviewHeading,
    html`<h1>${t.reviewHeading}</h1>
      <p>${t.reviewIntro}</p>
      ${
        rows.length === 0
          ? html`<p>${t.reviewEmpty}</p>`
          : html`<ul>
              ${rows.map((row) => html`<li><a href="/r/${row.ref}">${formatTime(row.receivedAt, ctx.lang)} · ${statusLabel(row.status, t)}</a></li>`)}
            </ul>`
      }
      <h2>${t.quarantineHeading}</h2>
      <p>${t.quarantineIntro}</p>
      ${
        quarantine.byCode.length === 0
          ? html`<p>${t.quarantineNone}</p>`
          : html`<table>
                <thead>
                  <tr>
                    <th scope="col">${t.colQuarantineReason}</th>
                    <th scope="col">${t.quarantineKept}</th>
                    <th scope="col">${t.quarantineDropped}</th>
                  </tr>
                </thead>
                <tbody>
                  ${quarantine.byCode.map(
                    (c) =>
                      html`<tr>
                        <td>${quarantineLabel(c.code, t)}</td>
                        <td>${c.seen - c.dropped}</td>
                        <td>${c.dropped}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <p>${t.quarantineKept}: ${quarantine.kept} (${Math.ceil(quarantine.bytes / 1024)} KiB)</p>`
      }`,
  );
}

export function closedPage(ctx: PageContext, rows: RequestRow[], retentionDays: number) {
  const { t } = ctx;
  return layout(
    ctx,
    t.closedHeading,
    html`<h1>${t.closedHeading}</h1>
      <p>${t.closedIntro} ${retentionDays} ${t.days}.</p>
      <ul>
        ${rows.map((row) => html`<li><a href="/r/${row.ref}">${formatTime(row.receivedAt, ctx.lang)}</a> · ${row.claimedByName ?? t.nobody}</li>`)}
      </ul>`,
  );
}

/** Per staff member who has made their own key: its public half, and whether they hold a grant to the newest vault key (issue 19). */
export type StaffAccess = ReadonlyMap<number, { publicKey: string; grant: boolean }>;

/** "Give access" for someone who has made their key and holds no grant yet (the app seals V to them). */
function grantButton(ctx: PageContext, s: Staff, access: StaffAccess) {
  const a = access.get(s.id);
  if (!a || a.grant) return '';
  return html`<button type="button" data-grant="${s.id}" data-public-key="${a.publicKey}" aria-label="${ctx.t.grantButton}: ${s.name}">
    ${ctx.t.grantButton}
  </button>`;
}

export function staffPage(
  ctx: PageContext,
  staff: Staff[],
  invite: { name: string; link: string; expires: number } | null,
  pending: Staff[] = [],
  access: StaffAccess = new Map(),
) {
  const { t } = ctx;
  return layout(
    ctx,
    t.staffHeading,
    html`<h1>${t.staffHeading}</h1>
      ${
        invite
          ? html`<div class="flash ok" role="status">
              <p>${invite.name}: ${t.inviteLink} ${formatTime(invite.expires, ctx.lang)}.</p>
              <p><code class="invite-link">${invite.link}</code></p>
            </div>`
          : ''
      }
      ${
        pending.length > 0
          ? html`<h2>${t.staffPending}</h2>
              <ul class="staff pending">
                ${pending.map(
                  (s) =>
                    html`<li>
                      <span>${s.name} (${t[`role_${s.role}`]})</span>
                      ${grantButton(ctx, s, access)}
                      <form method="post" action="/staff/${s.id}/confirm">
                        ${csrfField(ctx)}<button type="submit" aria-label="${t.staffConfirm}: ${s.name}">${t.staffConfirm}</button>
                      </form>
                    </li>`,
                )}
              </ul>`
          : ''
      }
      <ul class="staff">
        ${staff.map(
          (s) =>
            html`<li data-member="${s.id}" data-granted-key="${access.get(s.id)?.grant ? access.get(s.id)!.publicKey : ''}">
              <span>${s.name} (${t[`role_${s.role}`]})</span>
              ${s.confirmedAt === null ? '' : grantButton(ctx, s, access)}
              ${s.id !== ctx.staff?.id ? html`<form method="post" action="/staff/${s.id}/remove" data-remove="${s.id}" data-has-grant="${access.get(s.id)?.grant ? '1' : ''}">${csrfField(ctx)}<button type="submit" aria-label="${t.removeConfirm}: ${s.name}">${t.remove}</button></form>` : ''}
            </li>`,
        )}
      </ul>
      <p>${t.removeHelp}</p>
      <p class="flash" role="status" id="vault-status" hidden></p>
      <p><a href="/keys">${t.keysHeading}</a></p>
      <h2>${t.inviteHeading}</h2>
      <form method="post" action="/staff/invite">
        ${csrfField(ctx)}
        <label for="name">${t.inviteName}</label>
        <input id="name" name="name" required maxlength="100" autocomplete="off" />
        <div class="choice"><input type="checkbox" id="admin" name="admin" value="1" /><label for="admin">${t.inviteAdmin}</label></div>
        <button type="submit">${t.inviteButton}</button>
      </form>`,
    { page: 'staff' },
  );
}

export function auditPage(
  ctx: PageContext,
  lines: AuditLine[],
  verdict: { ok: boolean; reason?: string },
  staffNames: ReadonlyMap<number, string> = new Map(),
) {
  const { t } = ctx;
  return layout(
    ctx,
    t.auditHeading,
    html`<h1>${t.auditHeading}</h1>
      <p>${t.auditIntro}</p>
      <p class="flash ${verdict.ok ? 'ok' : 'error'}">${verdict.ok ? t.auditOk : `${t.auditBroken}: ${verdict.reason ?? ''}`}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">${t.colWhen}</th>
            <th scope="col">${t.colActor}</th>
            <th scope="col">${t.colAction}</th>
            <th scope="col">${t.colRef}</th>
          </tr>
        </thead>
        <tbody>
          ${lines.map(
            (l) =>
              html`<tr>
                <td>${l.seq}</td>
                <td>${formatTime(Date.parse(l.at), ctx.lang)}</td>
                <td>${auditActorLabel(l.actor, t, staffNames)}</td>
                <td>${auditActionLabel(l.action, l.detail, t, staffNames)}</td>
                <td>${l.ref ? html`<a href="/r/${encodeURIComponent(l.ref)}">${t.open}</a>` : ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  );
}

export function signInPage(ctx: PageContext) {
  const { t } = ctx;
  return layout(
    ctx,
    t.signInHeading,
    html`<h1>${t.signInHeading}</h1>
      <p>${t.signInHelp}</p>
      <noscript><p>${t.needsJs}</p></noscript>
      <p class="flash error" role="alert" id="passkey-error" hidden></p>
      <button type="button" class="primary" id="sign-in">${t.signInButton}</button>
      <section id="vault-unlock" class="vault-unlock" hidden></section>`,
    { scripts: ['/assets/inbox-app.js'], page: 'sign-in' },
  );
}

export function registerPage(ctx: PageContext, token: string, name: string) {
  const { t } = ctx;
  return layout(
    ctx,
    t.registerHeading,
    html`<h1>${t.registerHeading}, ${name}</h1>
      <p>${t.registerHelp}</p>
      <noscript><p>${t.needsJs}</p></noscript>
      <p class="flash error" role="alert" id="passkey-error" hidden></p>
      <button type="button" class="primary" id="register" data-token="${token}">${t.registerButton}</button>
      <section id="vault-unlock" class="vault-unlock" hidden></section>`,
    { scripts: ['/assets/inbox-app.js'], page: 'register' },
  );
}

/** The first administrator's setup (issue 19): the app makes the team's key and shows the recovery sheet once. */
export function vaultSetupPage(ctx: PageContext) {
  const { t } = ctx;
  return layout(
    ctx,
    t.setupHeading,
    html`<h1>${t.setupHeading}</h1>
      <div id="vault-setup">
        <p>${t.setupText}</p>
        <p class="flash error" role="alert" id="setup-error" tabindex="-1" hidden></p>
        <!-- Disabled until the app has loaded: a click before that would do nothing. -->
        <button type="button" class="primary" id="setup-start" disabled>${t.setupButton}</button>
      </div>
      <section id="recovery-sheet" class="recovery-sheet" aria-labelledby="sheet-heading" tabindex="-1" hidden>
        <h2 id="sheet-heading">${t.sheetHeading}</h2>
        <p>${t.sheetIntro}</p>
        <p class="recovery-code" id="recovery-code" translate="no"></p>
        <p>${t.sheetFingerprint}</p>
        <p><code class="fingerprint" id="identity-fingerprint" translate="no"></code></p>
        <ol>
          <li>${t.sheetTodo1}</li>
          <li>${t.sheetTodo2}</li>
          <li>${t.sheetTodo3}</li>
        </ol>
        <p>${t.sheetPublish}</p>
        <p class="no-print"><button type="button" id="sheet-print">${t.sheetPrint}</button></p>
        <form id="sheet-done" class="no-print" novalidate>
          <div class="choice">
            <input type="checkbox" id="sheet-kept" aria-describedby="sheet-kept-error" />
            <label for="sheet-kept">${t.sheetKept}</label>
          </div>
          <p class="flash error" id="sheet-kept-error" hidden>${t.sheetKeptMissing}</p>
          <button type="submit" class="primary">${t.sheetContinue}</button>
        </form>
      </section>`,
    { page: 'vault-setup' },
  );
}

/** Recovery (issue 19): an administrator without access types the code; the browser opens V and grants it to them. */
export function recoveryPage(ctx: PageContext) {
  const { t } = ctx;
  return layout(
    ctx,
    t.recoveryHeading,
    html`<h1>${t.recoveryHeading}</h1>
      <p>${t.recoveryText}</p>
      <form id="recovery-form" novalidate>
        <label for="recovery-code-input">${t.recoveryLabel}</label>
        <p class="hint" id="recovery-hint">${t.recoveryHint}</p>
        <input
          id="recovery-code-input"
          name="code"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          aria-describedby="recovery-hint recovery-error"
          required
        />
        <p class="flash error" id="recovery-error" hidden></p>
        <button type="submit" class="primary">${t.recoveryButton}</button>
      </form>`,
    { page: 'vault-recover' },
  );
}

/** Registered, not yet confirmed (N8): the person learns why nothing opens, and what to do. */
export function pendingPage(ctx: PageContext) {
  const { t } = ctx;
  return layout(
    ctx,
    t.pendingHeading,
    html`<h1>${t.pendingHeading}</h1>
      <p>${t.pendingText}</p>
      <p>${t.noAccessText}</p>`,
    { page: 'pending' },
  );
}

export function messagePage(ctx: PageContext, title: string, text: string, link?: { href: string; label: string }) {
  return layout(
    ctx,
    title,
    html`<h1>${title}</h1>
      <p>${text}</p>
      ${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}`,
  );
}
