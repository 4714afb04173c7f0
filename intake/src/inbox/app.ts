/**
 * The intake's one web app (Hono on Node): the push receiver at POST /push
 * and the team inbox. Put the municipality's HTTPS reverse proxy in front;
 * from outside, forward only /push (the Worker's deliveries); the inbox is
 * for the municipality's own network.
 *
 * Push: body ≤ 64 KiB → authenticatePush (one call, swappable) → store.
 * Answers as in version 1: 201 stored, 200 duplicate, 202 kept in
 * quarantine, 400 malformed or unknown kid, 401 not authenticated,
 * 507 disk (nearly) full, 500 storage failed. A 2xx only after COMMIT.
 *
 * Inbox: passkey sessions (HttpOnly, Secure, SameSite=Strict cookie),
 * every POST checks the Origin and a per-session CSRF token, strict CSP.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { PrivateKeyRing } from '../../../protocol/envelope.ts';
import { AccountError, Accounts, csrfMatches, SESSION_HOURS, SignInLimiter, type Session } from '../accounts.ts';
import { appendAudit, recentAudit, verifyAudit } from '../audit.ts';
import type { RecipientDirectory } from '../promise.ts';
import { signReceipt, verifyPush, type ReceiptStatus, type ReceiverAuth } from '../../../protocol/push-auth.ts';
import { explainStoreError, MIN_FREE_BYTES, STATUSES, type IntakeStore, type RequestStatus } from '../store.ts';
import { renderExport } from './export.ts';
import * as pages from './pages.ts';
import type { UnlockedVault } from '../key-vault.ts';
import { enqueueReply, type OutboxSummary } from '../reply-outbox.ts';
import { replyDraft, ReplyWriteError, senderFromVault, writeReply } from '../reply-writer.ts';
import { ReplyError } from '../../../protocol/reply.ts';
import { inboxText, isInboxLanguage, type InboxLanguage } from './text.ts';

export const PUSH_PATH = '/push';
export const MAX_PUSH_BYTES = 64 * 1024;
export const SESSION_COOKIE = 'utvag_inbox_session';
const LANG_COOKIE = 'utvag_inbox_lang';

export interface InboxAppOptions {
  store: IntakeStore;
  accounts: Accounts;
  keys: PrivateKeyRing;
  recipients: RecipientDirectory;
  /** Who this receiver is, whom it trusts, how it signs receipts (push-auth.ts). */
  pushAuth: ReceiverAuth;
  retentionDays: number;
  log?: (line: string) => void;
  now?: () => Date;
  /** Called after a new request is stored (alerts). */
  onStored?: () => void;
  /**
   * The way back (issue 14): the unlocked keys that seal and sign replies,
   * and a way to send waiting replies at once. Absent: no reply form.
   */
  replies?: {
    vault: Pick<UnlockedVault, 'keys'>;
    deliverNow: () => Promise<OutboxSummary | null>;
    /** False when this intake has no site URL (replies wait). */
    siteKnown: boolean;
  };
}

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const here = dirname(fileURLToPath(import.meta.url));
/** The inbox's own CSS and scripts: next to this file, or next to the bundle (see tools/dev/bundle-intake.ts). */
const assetsDir = existsSync(join(here, 'assets', 'inbox.css')) ? join(here, 'assets') : join(here, 'inbox-assets');
/** The browser build (ESM) of @simplewebauthn/browser, served from the intake itself: no CDN. */
function webauthnBrowserDirectory(): string {
  const bundled = join(assetsDir, 'webauthn');
  if (existsSync(bundled)) return bundled;
  return dirname(fileURLToPath(import.meta.resolve('@simplewebauthn/browser')));
}
const webauthnBrowserDir = webauthnBrowserDirectory();

type Env = { Variables: { session: Session | null; lang: InboxLanguage } };

export function createIntakeApp(options: InboxAppOptions): Hono<Env> {
  const { store, accounts } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());
  const limiter = new SignInLimiter();
  const app = new Hono<Env>();

  // ------------------------------------------------------------ push

  app.get('/health', (c) => c.json({ result: 'ok' }, 200, { 'cache-control': 'no-store' }));

  app.post(
    PUSH_PATH,
    bodyLimit({
      maxSize: MAX_PUSH_BYTES,
      onError: (c) => {
        log('push: 413 too_large');
        return c.json({ result: 'too_large' }, 413);
      },
    }),
    async (c) => {
      const answer = (status: 200 | 201 | 202 | 400 | 401 | 403 | 500 | 507, result: string, receipt?: unknown) => {
        log(`push: ${status} ${result}`);
        return c.json(receipt ? { result, receipt } : { result }, status, { 'cache-control': 'no-store' });
      };
      try {
        const body = await c.req.text();
        const check = await verifyPush(options.pushAuth, (name) => c.req.header(name), body, now());
        if (!check.ok) {
          const status = ({ missing_headers: 401, bad_signature: 401, wrong_recipient: 403, stale_timestamp: 400 } as const)[check.reason];
          return answer(status, check.reason);
        }
        // A signed receipt only once the body is durably kept: without one
        // the Worker keeps the message in its queue and tries again.
        const kept = async (status: 200 | 201 | 202, result: string, receipt: ReceiptStatus) =>
          answer(status, result, await signReceipt(options.pushAuth, check, receipt));
        const free = store.freeBytes();
        if (free !== null && free < MIN_FREE_BYTES) return answer(507, 'insufficient_storage');
        const result = await store.receive(body, options.keys, options.recipients, now());
        switch (result.status) {
          case 'stored':
            options.onStored?.();
            return await kept(201, 'stored', 'stored');
          case 'duplicate':
            return await kept(200, 'duplicate', 'duplicate');
          case 'quarantined':
            // An unknown kid may be a key not installed yet: no receipt, so the queue tries again.
            if (result.code === 'unknown_kid') return answer(400, 'quarantined_unknown_kid');
            return await kept(202, `quarantined_${result.code}`, 'kept');
          case 'rejected':
            return answer(400, result.code);
        }
      } catch (error) {
        const explained = explainStoreError(error, store.path);
        // Only the kind: a message could quote data.
        log(`push: storage failed (${explained.code})`);
        return answer(explained.code === 'disk_full' ? 507 : 500, explained.code === 'disk_full' ? 'insufficient_storage' : 'storage_failed');
      }
    },
  );

  // ------------------------------------------------------------ every inbox page

  app.use('*', async (c, next): Promise<void> => {
    const cookieLang = getCookie(c, LANG_COOKIE);
    c.set('lang', isInboxLanguage(cookieLang) ? cookieLang : 'sv');
    c.set('session', accounts.session(getCookie(c, SESSION_COOKIE), now()));
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), publickey-credentials-get=(self), publickey-credentials-create=(self)');
    if (!c.res.headers.get('cache-control')) c.header('Cache-Control', 'no-store');
  });

  // Every state-changing request must come from the inbox's own origin.
  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const origin = c.req.header('origin');
      const site = c.req.header('sec-fetch-site');
      // Sec-Fetch-Site first: with Referrer-Policy no-referrer a same-origin form posts "Origin: null".
      const crossSite = site ? site !== 'same-origin' : Boolean(origin && origin !== 'null' && origin !== accounts.rp.origin);
      if (crossSite) return c.text('Forbidden (cross-site)', 403);
    }
    await next();
    return undefined;
  });

  const ctx = (c: Context<Env>, flash?: pages.PageContext['flash']): pages.PageContext => {
    const session = c.get('session');
    return { lang: c.get('lang'), t: inboxText[c.get('lang')], staff: session?.staff ?? null, csrf: session?.csrf ?? null, flash };
  };
  const t = (c: Context<Env>) => inboxText[c.get('lang')];

  // ------------------------------------------------------------ assets

  const assetTypes: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
  app.get('/assets/webauthn/*', async (c) => {
    const rel = normalize(c.req.path.slice('/assets/webauthn/'.length));
    if (rel.startsWith('..') || !rel.endsWith('.js')) return c.notFound();
    try {
      return c.body(await readFile(join(webauthnBrowserDir, rel)), 200, { 'content-type': assetTypes['.js']!, 'cache-control': 'no-cache' });
    } catch {
      return c.notFound();
    }
  });
  for (const name of ['inbox.css', 'inbox.js', 'passkey.js']) {
    app.get(`/assets/${name}`, async (c) =>
      c.body(await readFile(join(assetsDir, name)), 200, { 'content-type': assetTypes[name.slice(name.lastIndexOf('.'))]!, 'cache-control': 'no-cache' }),
    );
  }

  app.get('/lang/:lang', (c) => {
    const lang = c.req.param('lang');
    if (isInboxLanguage(lang)) setCookie(c, LANG_COOKIE, lang, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', maxAge: 365 * 86400 });
    return c.redirect('/', 303);
  });

  // ------------------------------------------------------------ passkeys

  const setSession = (c: Context<Env>, token: string) =>
    setCookie(c, SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', maxAge: SESSION_HOURS * 3600 });
  const clientKey = (c: Context<Env>) => {
    // In memory only, for the sign-in limit; never stored or logged.
    const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
    return incoming?.socket?.remoteAddress ?? 'unknown';
  };
  const authError = (c: Context<Env>, error: unknown) => {
    const code = error instanceof AccountError ? error.code : 'failed';
    if (!(error instanceof AccountError)) log(`inbox: passkey step failed (${(error as Error).name})`);
    return c.json({ error: code }, 400);
  };

  app.get('/sign-in', (c) => (c.get('session') ? c.redirect('/', 303) : c.html(pages.signInPage(ctx(c)))));

  app.post('/auth/sign-in/options', async (c) => {
    if (!limiter.allow(clientKey(c))) return c.json({ error: 'rate_limited' }, 429, { 'retry-after': '60' });
    return c.json(await accounts.signInOptions(now()));
  });
  app.post('/auth/sign-in/verify', async (c) => {
    if (!limiter.allow(clientKey(c))) return c.json({ error: 'rate_limited' }, 429, { 'retry-after': '60' });
    try {
      const { staff, token } = await accounts.signIn(await c.req.json(), now());
      setSession(c, token);
      appendAudit(store, `staff:${staff.id}`, 'signed_in', null, null, now());
      return c.json({ ok: true, next: '/' });
    } catch (error) {
      if (error instanceof AccountError) appendAudit(store, 'unknown', 'sign_in_refused', null, error.code, now());
      return authError(c, error);
    }
  });

  app.get('/invite/:token', (c) => {
    try {
      const staff = accounts.checkInvite(c.req.param('token'), now());
      return c.html(pages.registerPage(ctx(c), c.req.param('token'), staff.name));
    } catch (error) {
      const code = error instanceof AccountError ? error.code : 'failed';
      return c.html(pages.messagePage(ctx(c), t(c).registerHeading, t(c)[`error_${code}` as 'error_failed'], { href: '/sign-in', label: t(c).signInHeading }), 410);
    }
  });
  app.post('/auth/register/options', async (c) => {
    if (!limiter.allow(clientKey(c))) return c.json({ error: 'rate_limited' }, 429, { 'retry-after': '60' });
    try {
      const { token } = await c.req.json<{ token?: string }>();
      return c.json(await accounts.registrationOptions(String(token ?? ''), now()));
    } catch (error) {
      return authError(c, error);
    }
  });
  app.post('/auth/register/verify', async (c) => {
    if (!limiter.allow(clientKey(c))) return c.json({ error: 'rate_limited' }, 429, { 'retry-after': '60' });
    try {
      const { token, response } = await c.req.json<{ token?: string; response?: never }>();
      const { staff, token: session } = await accounts.register(String(token ?? ''), response!, now());
      setSession(c, session);
      appendAudit(store, `staff:${staff.id}`, 'staff_registered', null, null, now());
      return c.json({ ok: true, next: '/' });
    } catch (error) {
      return authError(c, error);
    }
  });

  // ------------------------------------------------------------ signed in only

  app.use('*', async (c, next) => {
    if (!c.get('session')) {
      if (c.req.method === 'GET' && !c.req.path.startsWith('/api/')) return c.redirect('/sign-in', 303);
      return c.json({ error: 'signed_out' }, 401);
    }
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody().catch(() => ({}));
      if (!csrfMatches(c.get('session')!, (form as Record<string, unknown>)['csrf'])) {
        return c.html(pages.messagePage(ctx(c), t(c).csrf, t(c).csrf, { href: '/', label: t(c).navInbox }), 403);
      }
    }
    await next();
    return undefined;
  });

  const actor = (c: Context<Env>) => `staff:${c.get('session')!.staff.id}`;
  const flashFrom = (c: Context<Env>): pages.PageContext['flash'] => {
    const key = c.req.query('m');
    const texts = t(c) as unknown as Record<string, string>;
    const allowed = ['statusSaved', 'noteSaved', 'claimedByYou', 'alreadyClaimed', 'statusNeedsClaim', 'removed', 'replySent', 'replyQueued', 'replyRefused'];
    if (!key || !allowed.includes(key)) return undefined;
    return { kind: key === 'alreadyClaimed' || key === 'statusNeedsClaim' || key === 'replyRefused' ? 'error' : 'ok', text: texts[key]! };
  };

  app.get('/', (c) => {
    const stamp = now();
    const counts = store.openCounts(stamp);
    const pageCount = Math.max(1, Math.ceil(counts.open / pages.PAGE_SIZE));
    const page = Math.min(pageCount, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const rows = store.listOpen(pages.PAGE_SIZE, (page - 1) * pages.PAGE_SIZE);
    return c.html(pages.listPage(ctx(c, flashFrom(c)), rows, stamp.getTime(), { review: counts.needsReview, open: counts.open, page, pageCount }));
  });

  app.get('/api/summary', (c) => {
    // Counts and time only: what a notification may say.
    const stamp = now();
    const counts = store.openCounts(stamp);
    return c.json({
      open: counts.open,
      unclaimed: counts.unclaimed,
      overdue: counts.overdue,
      nextDueMinutes: counts.nextDue === null ? null : Math.floor((counts.nextDue - stamp.getTime()) / 60_000),
      needsReview: counts.needsReview,
    });
  });

  app.get('/r/:ref', async (c) => {
    const row = store.get(c.req.param('ref'));
    if (!row) return c.html(pages.messagePage(ctx(c), t(c).notFound, t(c).notFound), 404);
    const opened = await store.open(row, options.keys);
    appendAudit(store, actor(c), 'opened', row.ref, null, now());
    return c.html(
      pages.requestPage(ctx(c, flashFrom(c)), row, opened, store.notes(row.ref), now().getTime(), options.recipients.promiseOf(row.recipient), {
        enabled: Boolean(options.replies),
        phone: options.recipients.phoneOf?.(row.recipient) ?? null,
        sent: options.replies ? store.replies(row.ref) : [],
      }),
    );
  });

  // The way back (issue 14): a phrase from the bank and/or free text, sealed to the
  // person's reply key with this recipient's key, kept in the outbox, then sent.
  app.post('/r/:ref/reply', async (c) => {
    const row = store.get(c.req.param('ref'));
    if (!row) return c.notFound();
    const replies = options.replies;
    const opened = await store.open(row, options.keys);
    const request = opened.request;
    const form = await c.req.parseBody({ all: true });
    const listOf = (value: unknown): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string');
    const again = (problem: string, status: 400 | 409 = 400) =>
      c.html(
        pages.requestPage(ctx(c, { kind: 'error', text: problem }), row, opened, store.notes(row.ref), now().getTime(), options.recipients.promiseOf(row.recipient), {
          enabled: Boolean(replies),
          phone: options.recipients.phoneOf?.(row.recipient) ?? null,
          sent: replies ? store.replies(row.ref) : [],
        }),
        status,
      );
    if (!replies || !request?.reply) return again(t(c).replyNotAsked, 409);
    let outgoing;
    try {
      const draft = replyDraft(
        {
          phrases: listOf(form['phrase']),
          text: listOf(form['text'])[0]?.slice(0, 2000),
          lang: listOf(form['lang'])[0] || undefined,
          place: listOf(form['place'])[0],
        },
        options.recipients.phoneOf?.(row.recipient) ?? null,
      );
      outgoing = await writeReply(request, draft, senderFromVault(replies.vault, row.kid), now());
    } catch (error) {
      if (error instanceof ReplyWriteError || error instanceof ReplyError) return again(`${t(c).replyProblem} ${error.message}`);
      throw error;
    }
    store.transaction(() => {
      enqueueReply(store, row.ref, c.get('session')!.staff.id, outgoing, now());
      appendAudit(store, actor(c), 'replied', row.ref, null, now());
    });
    // Try to send now; if the site cannot be reached, the reply waits in the outbox.
    const summary = replies.siteKnown ? await replies.deliverNow() : null;
    const state = store.replies(row.ref).find((r) => r.id === outgoing.replyId)?.state;
    const m = state === 'delivered' ? 'replySent' : state === 'refused' ? 'replyRefused' : 'replyQueued';
    void summary;
    return c.redirect(`/r/${row.ref}?m=${m}#reply`, 303);
  });

  app.post('/r/:ref/claim', (c) => {
    const ref = c.req.param('ref');
    if (!store.get(ref)) return c.notFound();
    const won = store.claim(ref, c.get('session')!.staff.id, now());
    if (won) appendAudit(store, actor(c), 'claimed', ref, null, now());
    return c.redirect(`/r/${ref}?m=${won ? 'claimedByYou' : 'alreadyClaimed'}`, 303);
  });

  app.post('/r/:ref/release', (c) => {
    const ref = c.req.param('ref');
    if (store.release(ref, c.get('session')!.staff.id, now())) appendAudit(store, actor(c), 'released', ref, null, now());
    return c.redirect(`/r/${ref}`, 303);
  });

  app.post('/r/:ref/status', async (c) => {
    const ref = c.req.param('ref');
    const status = (await c.req.parseBody())['status'];
    if (typeof status !== 'string' || !STATUSES.includes(status as RequestStatus) || status === 'new') return c.redirect(`/r/${ref}`, 303);
    const changed = store.setStatus(ref, status as Exclude<RequestStatus, 'new'>, now());
    if (changed) appendAudit(store, actor(c), 'status_changed', ref, status, now());
    return c.redirect(`/r/${ref}?m=${changed ? 'statusSaved' : 'statusNeedsClaim'}`, 303);
  });

  app.post('/r/:ref/notes', async (c) => {
    const ref = c.req.param('ref');
    if (!store.get(ref)) return c.notFound();
    const note = (await c.req.parseBody())['note'];
    if (typeof note === 'string' && note.trim()) {
      store.addNote(ref, c.get('session')!.staff.id, note.slice(0, 4000), now());
      appendAudit(store, actor(c), 'noted', ref, null, now());
    }
    return c.redirect(`/r/${ref}?m=noteSaved#notes`, 303);
  });

  app.post('/r/:ref/export', async (c) => {
    const row = store.get(c.req.param('ref'));
    if (!row) return c.notFound();
    const opened = await store.open(row, options.keys);
    appendAudit(store, actor(c), 'exported', row.ref, null, now());
    const text = renderExport(row, opened, store.notes(row.ref), c.get('lang'));
    return c.body(text, 200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="utvag-${row.ref}.txt"`,
    });
  });

  app.get('/lookup', (c) => {
    const typed = (c.req.query('code') ?? '').slice(0, 64);
    if (!typed) return c.html(pages.lookupPage(ctx(c), '', null, now().getTime()));
    const found = store.findByReceipt(typed);
    appendAudit(store, actor(c), 'looked_up', null, found.ok ? `${found.refs.length}` : 'invalid', now());
    if (!found.ok) return c.html(pages.lookupPage(ctx(c), typed, { kind: 'invalid' }, now().getTime()));
    const rows = found.refs.map((ref) => store.get(ref)!).filter(Boolean);
    return c.html(pages.lookupPage(ctx(c), found.code, rows.length === 0 ? { kind: 'none' } : { kind: 'found', rows }, now().getTime()));
  });

  app.get('/review', (c) => c.html(pages.reviewPage(ctx(c), store.listNeedsReview(), store.quarantineSummary())));
  app.get('/closed', (c) => c.html(pages.closedPage(ctx(c), store.listClosed(), options.retentionDays)));

  app.post('/sign-out', (c) => {
    accounts.signOut(c.get('session')!);
    appendAudit(store, actor(c), 'signed_out', null, null, now());
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    return c.redirect('/sign-in', 303);
  });
  app.post('/sign-out-everywhere', (c) => {
    accounts.signOutEverywhere(c.get('session')!.staff.id);
    appendAudit(store, actor(c), 'signed_out_everywhere', null, null, now());
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    return c.redirect('/sign-in', 303);
  });

  // ------------------------------------------------------------ administrators

  const adminOnly = (c: Context<Env>) => c.get('session')!.staff.role === 'admin';
  app.get('/staff', (c) => {
    if (!adminOnly(c)) return c.html(pages.messagePage(ctx(c), t(c).forbidden, t(c).forbidden), 403);
    return c.html(pages.staffPage(ctx(c, flashFrom(c)), accounts.activeStaff(), null));
  });
  app.post('/staff/invite', async (c) => {
    if (!adminOnly(c)) return c.html(pages.messagePage(ctx(c), t(c).forbidden, t(c).forbidden), 403);
    const form = await c.req.parseBody();
    const name = typeof form['name'] === 'string' ? form['name'].trim() : '';
    if (!name) return c.redirect('/staff', 303);
    const staff = accounts.createStaff(name, form['admin'] === '1' ? 'admin' : 'staff', now());
    const token = accounts.invite(staff.id, now());
    appendAudit(store, actor(c), 'staff_invited', null, `staff:${staff.id}`, now());
    const expires = now().getTime() + 72 * 3_600_000;
    return c.html(pages.staffPage(ctx(c), accounts.activeStaff(), { name: staff.name, link: `${accounts.rp.origin}/invite/${token}`, expires }));
  });
  app.post('/staff/:id/remove', (c) => {
    if (!adminOnly(c)) return c.html(pages.messagePage(ctx(c), t(c).forbidden, t(c).forbidden), 403);
    const id = Number(c.req.param('id'));
    if (Number.isInteger(id) && id !== c.get('session')!.staff.id && accounts.staff(id)) {
      accounts.removeStaff(id, now());
      appendAudit(store, actor(c), 'staff_removed', null, `staff:${id}`, now());
    }
    return c.redirect('/staff?m=removed', 303);
  });
  app.get('/audit', (c) => {
    if (!adminOnly(c)) return c.html(pages.messagePage(ctx(c), t(c).forbidden, t(c).forbidden), 403);
    const verdict = verifyAudit(store);
    return c.html(pages.auditPage(ctx(c), recentAudit(store), verdict.ok ? { ok: true } : { ok: false, reason: verdict.reason }));
  });

  app.notFound((c) => c.html(pages.messagePage(ctx(c), t(c).notFound, t(c).notFound), 404));
  app.onError((error, c) => {
    log(`inbox: error (${error.name})`);
    return c.text('Internal error', 500);
  });
  return app;
}
