/**
 * The team inbox's second home (issue 20): one Cloudflare Durable Object
 * per hosted recipient, with its SQLite storage, running the SAME inbox
 * as `intake serve` (createInboxApp over IntakeStore.onDurable). The
 * site's Worker (functions/index.ts) binds it as HOSTED_INBOX, hands it
 * the browser's requests to `<id>.<HOSTED_INBOX_DOMAIN>` (fetch) and the
 * queue's envelopes for that recipient (receive), and re-exports this
 * class; nothing here reaches node:fs, node:sqlite or child_process.
 *
 * - One object, one recipient: the id is written into the store on the
 *   first call, and a call naming another recipient is refused.
 * - The inbox's origin is its own host; the WebAuthn relying party is that
 *   host (passkeys and the session cookie belong to this inbox only).
 * - receive(): stored (or found a duplicate) before it answers; the queue
 *   acknowledges only those two answers (functions/queue-consumer.ts).
 * - Alarms (alarms.ts): content-free alerts to the webhook the
 *   municipality set, and retention, when something is due.
 * - The store secret (staff names at rest, the audit checkpoint key) is
 *   derived from the Worker secret HOSTED_STORE_SECRET and the recipient
 *   id, so a copy of the object's storage alone opens neither.
 */
import { DurableObject } from 'cloudflare:workers';
import { createHmac } from 'node:crypto';
import {
  HOSTED_RECIPIENT_HEADER,
  hostedRecipientOfHost,
  isAllowedWebhookUrl,
  isDevelopmentRecipient,
  type DevelopmentVaultSetup,
  type HostedInboxCalls,
  type HostedPromise,
  type HostedInvite,
  type HostedReceiveResult,
} from '../../../protocol/hosted-inbox.ts';
import { Accounts, INVITE_HOURS, type RelyingParty } from '../accounts.ts';
import { createInboxApp } from '../inbox/app.ts';
import type { RecipientDirectory } from '../promise.ts';
import { deliverOutbox, type OutboxSummary } from '../reply-outbox.ts';
import { DEFAULT_RETENTION_DAYS, IntakeStore } from '../store/intake-store.ts';
import { importVerifyKey } from '../../../protocol/push-auth.ts';
import type { HostedInboxOperatorCalls, OperatorConnection, OperatorInviteAnswer } from '../../../protocol/connection.ts';
import { identityFingerprint } from '../../../protocol/key-statement.ts';
import { ConnectionTable } from '../store/connection.ts';
import { HostedAlarms } from './alarms.ts';
import { hostedAssets } from './assets.ts';
import { operatorApproved, operatorConnection, operatorDisconnect, operatorInvite } from './operator-calls.ts';
import { kvStatementPublisher, type StatementKv } from './statement-publisher.ts';
import { publishLatestStatement, type PublishStatement } from '../statement-outbox.ts';

/** What the object reads from the Worker's environment. */
export interface HostedInboxEnv {
  /** The Worker's Ed25519 key (JWK text): the site signs its acknowledgement of a reply with it. */
  INTAKE_PUSH_SIGNING_KEY?: string;
  /** `<recipient id>.<this>` is a hosted inbox's host (protocol/hosted-inbox.ts). */
  HOSTED_INBOX_DOMAIN?: string;
  /** A Worker secret: each hosted store's secret is derived from it and the recipient id. */
  HOSTED_STORE_SECRET?: string;
  /** The Worker's key statements (KV): the inbox publishes its own there (statement-publisher.ts). */
  KEY_STATEMENTS?: StatementKv;
}

const RECIPIENT_META = 'hosted_recipient';
/** The site's address for the in-process call to its own API (never leaves the Worker). */
const SITE_URL = 'https://site.invalid';
const PROMISE_META = 'hosted_promise';

interface Opened {
  recipient: string;
  store: IntakeStore;
  accounts: Accounts;
  rp: RelyingParty;
  app: ReturnType<typeof createInboxApp>;
  alarms: HostedAlarms;
  publishStatement: PublishStatement | null;
}

export class HostedInbox extends DurableObject<HostedInboxEnv> implements HostedInboxCalls, HostedInboxOperatorCalls {
  private opened: Opened | null = null;

  /** The store and inbox of this object's recipient, opened once per instance. */
  private open(recipient: string): Opened {
    if (this.opened) {
      if (this.opened.recipient !== recipient) throw new Error('this hosted inbox belongs to another recipient');
      return this.opened;
    }
    const secret = this.env.HOSTED_STORE_SECRET;
    const storeSecret = secret ? createHmac('sha256', secret).update(`hosted-store\0${recipient}`).digest() : null;
    const store = IntakeStore.onDurable(this.ctx.storage, { storeSecret, path: `the hosted store of ${recipient}` });
    store.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING').run(RECIPIENT_META, recipient);
    const owner = store.db.prepare('SELECT value FROM meta WHERE key = ?').get(RECIPIENT_META)?.['value'];
    if (owner !== recipient) throw new Error('this hosted inbox belongs to another recipient');
    // The origin is set from the first browser request (its host was checked against the domain).
    const rp: RelyingParty = { name: 'Utväg', id: '', origin: '' };
    const accounts = new Accounts(store, rp);
    const alarms = new HostedAlarms(this.ctx.storage, store, storeSecret, () => this.deliverReplies(store));
    // Key statements signed in an administrator's browser go to the Worker's KV (statement-publisher.ts).
    const kv = this.env.KEY_STATEMENTS;
    const publishStatement = kv
      ? kvStatementPublisher(kv, async () => {
          const identity = store.vault.identity();
          return identity ? identityFingerprint(identity.publicKey) : null;
        })
      : null;
    const app = createInboxApp({
      store,
      accounts,
      recipients: directoryOf(recipient, store),
      retentionDays: DEFAULT_RETENTION_DAYS,
      log: (line) => console.log(line),
      assets: hostedAssets,
      // Cloudflare sets it on every request (a client cannot): the sign-in limit counts per address, in memory only.
      remoteAddress: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
      alert: (event, count) => void alarms.sendNow(event, count),
      // The way back (issue 14): a reply written here goes to the site's /api/reply in this very Worker.
      replies: { deliverNow: () => this.deliverReplies(store), siteKnown: true },
      recipient,
      ...(publishStatement ? { publishStatement } : {}),
    });
    this.opened = { recipient, store, accounts, rp, app, alarms, publishStatement };
    // Every open inbox has its daily alarm (heartbeat, retention) from the start.
    this.ctx.waitUntil(alarms.schedule(new Date()));
    return this.opened;
  }

  /**
   * Sends the replies that wait to this Worker's own /api/reply, in process
   * (ctx.exports), and checks the site's signed acknowledgement as
   * `intake serve` does; what is not acknowledged waits for the alarm.
   */
  private async deliverReplies(store: IntakeStore): Promise<OutboxSummary | null> {
    const workerKey = this.env.INTAKE_PUSH_SIGNING_KEY;
    let workerKeys: CryptoKey[] = [];
    try {
      if (workerKey) workerKeys = [await importVerifyKey((JSON.parse(workerKey) as { x: string }).x)];
    } catch {
      workerKeys = [];
    }
    const site = this.ctx.exports.default;
    try {
      const summary = await deliverOutbox(store, SITE_URL, {
        workerKeys,
        fetch: (input, init) => site.fetch(new Request(input instanceof Request ? input : String(input), init)),
      });
      if (summary.waiting > 0) await this.opened?.alarms.replyWaits();
      return summary;
    } catch (error) {
      // The reply is committed: it waits, and the alarm tries again.
      console.log(`hosted inbox: replies not sent (${(error as Error).name})`);
      await this.opened?.alarms.replyWaits();
      return null;
    }
  }

  /** The browser's request, handed on by the Worker with the recipient it checked the host for. */
  override async fetch(request: Request): Promise<Response> {
    const recipient = request.headers.get(HOSTED_RECIPIENT_HEADER);
    const url = new URL(request.url);
    if (!recipient || hostedRecipientOfHost(url.host, this.env.HOSTED_INBOX_DOMAIN) !== recipient) {
      return new Response('Not found', { status: 404 });
    }
    const opened = this.open(recipient);
    if (opened.rp.origin !== url.origin) Object.assign(opened.rp, { id: url.hostname, origin: url.origin });
    return opened.app.fetch(request);
  }

  /** Stores an envelope the queue delivers (before it answers), or says why not. */
  async receive(recipient: string, body: string): Promise<HostedReceiveResult> {
    const opened = this.open(recipient);
    const result = await opened.store.receive(body, directoryOf(recipient, opened.store));
    if (result.status === 'stored') await opened.alarms.stored();
    return result.status;
  }

  /** A new administrator and a one-time link for them (the first one's setup, or npm start's). */
  async inviteAdministrator(recipient: string, name: string): Promise<HostedInvite> {
    const { accounts } = this.open(recipient);
    const staff = accounts.activeStaff().find((s) => s.name === name && s.role === 'admin') ?? accounts.createStaff(name, 'admin');
    const now = new Date();
    return {
      path: `/invite/${accounts.invite(staff.id, now)}`,
      expiresAt: new Date(now.getTime() + INVITE_HOURS * 3_600_000).toISOString(),
    };
  }

  /** Where content-free alerts go (https; plain http only to this machine); null stops them. False: refused. */
  async setAlertWebhook(recipient: string, url: string | null): Promise<boolean> {
    if (url !== null && !isAllowedWebhookUrl(url)) return false;
    await this.open(recipient).alarms.setWebhook(url);
    return true;
  }

  /** The recipient's promise (hours to first contact): the clock and the 6 h and 2 h alerts run on it. */
  async setPromise(recipient: string, promise: HostedPromise | null): Promise<boolean> {
    const hours = promise?.firstContactHours;
    if (promise !== null && (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 1 || hours > 24 * 14)) return false;
    const { store } = this.open(recipient);
    if (promise === null) store.db.prepare('DELETE FROM meta WHERE key = ?').run(PROMISE_META);
    else
      store.db
        .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(PROMISE_META, JSON.stringify({ firstContactHours: hours, ...(promise.madeBy ? { madeBy: promise.madeBy } : {}) }));
    return true;
  }

  /** Development only: a vault made at once with development keys and the public code (protocol/hosted-inbox.ts). */
  async provisionDevelopmentVault(recipient: string, setup: DevelopmentVaultSetup): Promise<boolean> {
    if (!isDevelopmentRecipient(recipient)) return false;
    const { store } = this.open(recipient);
    if (store.vault.latestGen() !== null) return false;
    store.vault.provision(setup as unknown as Parameters<typeof store.vault.provision>[0], null, new Date());
    return true;
  }

  /** The operator's setup link for the first administrator (operator-calls.ts); none once one has registered. */
  async operatorInvite(recipient: string, options: { name?: string }): Promise<OperatorInviteAnswer> {
    return operatorInvite(this.open(recipient), options);
  }

  /** What the administrator entered, and the fingerprint of the identity key in the vault (what approve pins). */
  async operatorConnection(recipient: string): Promise<OperatorConnection> {
    const opened = this.open(recipient);
    const identity = opened.store.vault.identity();
    return operatorConnection(opened, identity ? await identityFingerprint(identity.publicKey) : null);
  }

  /**
   * recipients.json names it now: the promise its administrator entered
   * (and the site now shows) sets the clock of each new request and the
   * 6 h and 2 h alerts.
   */
  async operatorApproved(recipient: string): Promise<void> {
    const opened = this.open(recipient);
    operatorApproved(opened);
    // A statement that could not be published before (KV was down) goes now, before the deploy pins it.
    if (opened.publishStatement) await publishLatestStatement(opened.store.vault, opened.publishStatement);
    const promise = new ConnectionTable(opened.store.db).read().details?.promise;
    if (promise) await this.setPromise(recipient, { firstContactHours: promise.firstContactWithinHours, madeBy: promise.madeBy.sv });
  }

  /** The site stops sending here; nothing stored is deleted, and the team still reads and answers it. */
  async operatorDisconnect(recipient: string): Promise<{ disconnectedAt: number }> {
    return operatorDisconnect(this.open(recipient));
  }

  /** Alerts and retention, when due (alarms.ts). */
  override async alarm(): Promise<void> {
    const recipient = this.recipientOnRecord();
    if (recipient) await this.open(recipient).alarms.run(new Date());
  }

  /** The recipient written on the first call (an alarm names none). */
  private recipientOnRecord(): string | null {
    if (this.opened) return this.opened.recipient;
    try {
      const value = this.ctx.storage.sql.exec('SELECT value FROM meta WHERE key = ?', RECIPIENT_META).toArray()[0]?.['value'];
      return typeof value === 'string' ? value : null;
    } catch {
      return null; // no store yet: nothing to do
    }
  }
}

/**
 * Every kid this object's vault holds is its recipient's (the store
 * quarantines any other). Its promise is the one set with setPromise;
 * without one the inbox says "no promise configured" and shows no
 * deadline, never a made-up one.
 */
function directoryOf(recipient: string, store: IntakeStore): RecipientDirectory {
  const promise = (): HostedPromise | null => {
    const value = store.db.prepare('SELECT value FROM meta WHERE key = ?').get(PROMISE_META)?.['value'];
    return typeof value === 'string' ? (JSON.parse(value) as HostedPromise) : null;
  };
  return { recipientOfKid: () => recipient, promiseOf: (r) => (r === recipient ? promise() : null), phoneOf: () => null };
}
