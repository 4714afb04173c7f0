/**
 * What every part of the team inbox shares: its options, the Hono
 * environment (the signed-in session and the page language, set by
 * middleware/session.ts), and the small helpers the route files use.
 */
import type { Context } from 'hono';
import type { Accounts, Session } from '../accounts.ts';
import { appendAudit } from '../audit.ts';
import type { RecipientDirectory } from '../promise.ts';
import type { OutboxSummary } from '../reply-outbox.ts';
import type { PublishStatement } from '../statement-outbox.ts';
import type { IntakeStore } from '../store.ts';
import type { PageContext } from './pages.ts';
import type { InboxAssets } from './asset-source.ts';
import type { RemoteAddress } from './middleware/sign-in-limit.ts';
import { inboxText, type InboxLanguage, type InboxText } from './text.ts';
import { ReadWatch } from './read-watch.ts';

export { mayHandle, notHandlingReason } from './need-to-know.ts';

/**
 * `__Host-`: the browser takes this cookie only from this host, over a
 * secure connection, for path / and without a Domain, so a sibling
 * subdomain of a shared municipal domain cannot plant or shadow it (N15).
 */
export const SESSION_COOKIE = '__Host-utvag_inbox_session';
export const LANG_COOKIE = 'utvag_inbox_lang';

export interface InboxAppOptions {
  store: IntakeStore;
  accounts: Accounts;
  recipients: RecipientDirectory;
  retentionDays: number;
  /**
   * The inbox's CSS and scripts: read from disk on Node (inbox/node-assets.ts),
   * built into the Worker for a hosted inbox. The app itself reads no file.
   */
  assets: InboxAssets;
  log?: (line: string) => void;
  now?: () => Date;
  /**
   * Tells the administrators through the intake's alert channel (counts
   * only, never who or what): a new registration waiting to be confirmed
   * (N8), or one account reading many requests in a short time (N7).
   */
  alert?: (event: 'registration' | 'many_opened', count: number) => void;
  /**
   * The recipient this inbox is (recipients.json id): the one its key
   * statements are for (issue 20). Absent: nothing is signed or published.
   */
  recipient?: string;
  /**
   * Publishes a key statement the inbox has verified and kept (issue 20):
   * self-hosted, a PUT to the site (statement-outbox.ts sitePublisher);
   * hosted, the Worker's KV. Absent: statements wait in the store.
   */
  publishStatement?: PublishStatement;
  /** The reverse proxy's addresses: sign-in limits then count the forwarded client (N11). */
  trustedProxies?: readonly string[];
  /** The connection's address, for the sign-in limit (Node: @hono/node-server's; absent: one client). */
  remoteAddress?: RemoteAddress;
  /**
   * The way back (issue 14): a way to send waiting replies at once (they
   * are sealed and signed in the browser). Absent: no reply form.
   */
  replies?: {
    deliverNow: () => Promise<OutboxSummary | null>;
    /** False when this intake has no site URL (replies wait). */
    siteKnown: boolean;
  };
}

/** The options with their defaults filled in, as the route files get them. */
export type Inbox = Omit<InboxAppOptions, 'log' | 'now' | 'alert'> & {
  log: (line: string) => void;
  now: () => Date;
  alert: NonNullable<InboxAppOptions['alert']>;
  readWatch: ReadWatch;
};

export type InboxEnv = { Variables: { session: Session | null; lang: InboxLanguage } };

export function withDefaults(options: InboxAppOptions): Inbox {
  return {
    ...options,
    log: options.log ?? ((line: string) => console.log(line)),
    now: options.now ?? (() => new Date()),
    alert: options.alert ?? (() => undefined),
    readWatch: new ReadWatch(),
  };
}

export const text = (c: Context<InboxEnv>): InboxText => inboxText[c.get('lang')];

/** The flash messages a redirect may name (?m=…), and whether each is an error. */
const FLASH: Record<string, 'ok' | 'error'> = {
  statusSaved: 'ok',
  noteSaved: 'ok',
  claimedByYou: 'ok',
  alreadyClaimed: 'error',
  statusNeedsClaim: 'error',
  notYours: 'error',
  staffConfirmed: 'ok',
  removed: 'ok',
  replySent: 'ok',
  replyQueued: 'ok',
  replyRefused: 'error',
  removeRefused: 'error',
  removeDone: 'ok',
  grantDone: 'ok',
  recoveryDone: 'ok',
  keyMade: 'ok',
  keyRetiredDone: 'ok',
  identityMade: 'ok',
  statementSigned: 'ok',
  statementFailed: 'error',
};

function flashFrom(c: Context<InboxEnv>): PageContext['flash'] {
  const key = c.req.query('m');
  if (!key || !Object.hasOwn(FLASH, key)) return undefined;
  return { kind: FLASH[key]!, text: (text(c) as unknown as Record<string, string>)[key]! };
}

/**
 * What a page needs to render: language, words, who is signed in, the CSRF
 * token, and a flash message (given, or "fromQuery" to read ?m=).
 */
export function page(c: Context<InboxEnv>, flash?: PageContext['flash'] | 'fromQuery'): PageContext {
  const session = c.get('session');
  return {
    lang: c.get('lang'),
    t: text(c),
    staff: session?.staff ?? null,
    csrf: session?.csrf ?? null,
    flash: flash === 'fromQuery' ? flashFrom(c) : flash,
  };
}

/**
 * The signed-in person's session, in a route behind requireSession
 * (middleware/session.ts). Throws if there is none: a route mounted
 * outside the guarded sub-apps fails closed.
 */
export function sessionOf(c: Context<InboxEnv>): Session {
  const session = c.get('session');
  if (!session) throw new Error('a signed-in route without requireSession');
  return session;
}

/** The audit log's name for the signed-in person. */
export const actor = (c: Context<InboxEnv>): string => `staff:${sessionOf(c).staff.id}`;

/**
 * Counts one reading (opened or exported) towards the many-readings alert
 * (read-watch.ts); crossing the limit alerts the administrators and leaves
 * an audit line naming the account.
 */
export function countReading(inbox: Inbox, c: Context<InboxEnv>, ref: string): void {
  const count = inbox.readWatch.record(sessionOf(c).staff.id, ref, inbox.now().getTime());
  if (count === null) return;
  appendAudit(inbox.store, 'alerts', 'many_opened', null, `${actor(c)} ${count}`, inbox.now());
  inbox.alert('many_opened', count);
}
