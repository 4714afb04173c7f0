/**
 * A hosted inbox's alarm (issue 20): the self-hosted intake's minute timer
 * (service.ts), set only for when something is due. The same rounds
 * (alerts.ts AlertRounds: a new request, unclaimed ones with 6 h and 2 h
 * left, each kind at most once per window, counts only) and a daily
 * heartbeat with the signed audit checkpoint, POSTed to the webhook an
 * administrator set; retention once a day; written replies the site has
 * not acknowledged yet, every 30 seconds. The gates live in memory: an
 * object the platform evicts forgets them, which costs at most one alert
 * sooner than its window.
 */
import { AlertRounds, HEARTBEAT_HOURS, postAlert, summarize, type AlertMessage } from '../alerts.ts';
import { appendAudit } from '../audit.ts';
import { checkpointSigningKey, makeCheckpoint } from '../audit-checkpoint.ts';
import { DEFAULT_RETENTION_DAYS, type IntakeStore } from '../store/intake-store.ts';
import { ConnectionTable } from '../store/connection.ts';

const WEBHOOK = 'hosted_alert_webhook';
const LAST_HEARTBEAT = 'hosted_last_heartbeat';
const DAY_MS = HEARTBEAT_HOURS * 3_600_000;
const REPLY_RETRY_MS = 30_000;

/** The alarm calls of a Durable Object's storage. */
export interface AlarmStorage {
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number): Promise<void>;
}

export class HostedAlarms {
  private readonly rounds = new AlertRounds();
  private readonly storage: AlarmStorage;
  private readonly store: IntakeStore;
  private readonly storeSecret: Buffer | null;
  private readonly log: (line: string) => void;

  private readonly deliverReplies: () => Promise<{ waiting: number } | null>;
  /** When a waiting reply is tried again. */
  private replyRetryAt: number | null = null;

  constructor(
    storage: AlarmStorage,
    store: IntakeStore,
    storeSecret: Buffer | null,
    deliverReplies: () => Promise<{ waiting: number } | null> = async () => null,
    log: (line: string) => void = console.log,
  ) {
    this.storage = storage;
    this.store = store;
    this.storeSecret = storeSecret;
    this.deliverReplies = deliverReplies;
    this.log = log;
  }

  /** A written reply could not go yet: tried again in REPLY_RETRY_MS, as `intake serve` does. */
  async replyWaits(): Promise<void> {
    this.replyRetryAt = Date.now() + REPLY_RETRY_MS;
    await this.schedule(new Date());
  }

  private meta(key: string): string | null {
    const value = this.store.db.prepare('SELECT value FROM meta WHERE key = ?').get(key)?.['value'];
    return typeof value === 'string' ? value : null;
  }

  private setMeta(key: string, value: string | null): void {
    if (value === null) this.store.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
    else
      this.store.db
        .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run(key, value);
  }

  /** The webhook the administrator entered on the Connection page; else one set over RPC (npm start, tests). */
  webhook(): string | null {
    return new ConnectionTable(this.store.db).webhook() ?? this.meta(WEBHOOK);
  }

  async setWebhook(url: string | null): Promise<void> {
    this.setMeta(WEBHOOK, url);
    await this.schedule(new Date());
  }

  /** A request was stored: its alert goes at once, or when the window since the last one ends. */
  async stored(): Promise<void> {
    this.rounds.stored();
    await this.schedule(new Date());
  }

  /** An alert the inbox raises itself (a registration to confirm, many readings): sent now. */
  async sendNow(event: 'registration' | 'many_opened', count: number): Promise<void> {
    await this.send({ ...summarize(this.store, event, new Date()), count });
  }

  private async send(message: AlertMessage): Promise<void> {
    const url = this.webhook();
    if (url && (await postAlert(url, message, this.log))) this.log(`alert: ${message.event} sent`);
  }

  /** One round: the alerts due, the daily heartbeat and retention; then the next alarm. */
  async run(now: Date): Promise<void> {
    try {
      // Written replies that still wait (the site was busy, or the object was evicted since): tried again.
      if ((this.replyRetryAt ?? 0) <= now.getTime() && this.store.waitingReplies().length > 0) {
        const replies = await this.deliverReplies();
        this.replyRetryAt = replies && replies.waiting > 0 ? now.getTime() + REPLY_RETRY_MS : null;
      }
      for (const message of this.rounds.due(this.store, now)) await this.send(message);
      const last = Number(this.meta(LAST_HEARTBEAT) ?? '0');
      if (now.getTime() - last >= DAY_MS) {
        this.setMeta(LAST_HEARTBEAT, String(now.getTime()));
        await this.send({ ...summarize(this.store, 'heartbeat', now), ...this.checkpoint(now) });
        for (const ref of this.store.applyRetention(DEFAULT_RETENTION_DAYS, now))
          appendAudit(this.store, 'retention', 'deleted', ref, null, now);
      }
    } catch (error) {
      this.log(`hosted inbox: alarm failed (${(error as Error).name})`);
    }
    await this.schedule(now, true);
  }

  /** The heartbeat's signed audit checkpoint (N9), when this store has a secret to sign with. */
  private checkpoint(now: Date): Pick<AlertMessage, 'checkpoint'> {
    if (!this.storeSecret) return {};
    try {
      return { checkpoint: makeCheckpoint(this.store, checkpointSigningKey(this.storeSecret), now) };
    } catch (error) {
      this.log(`hosted inbox: no checkpoint (${(error as Error).name})`);
      return {};
    }
  }

  /**
   * Sets the alarm for the earliest of: a round with something due, and the
   * next heartbeat; an earlier alarm already set stays (`replace`: the
   * alarm that just ran sets the next one).
   */
  async schedule(now: Date, replace = false): Promise<void> {
    const last = Number(this.meta(LAST_HEARTBEAT) ?? '0');
    const next = Math.max(
      now.getTime(),
      Math.min(this.rounds.nextAt(this.store, now) ?? Infinity, this.replyRetryAt ?? Infinity, last + DAY_MS),
    );
    const current = replace ? null : await this.storage.getAlarm();
    if (current === null || next < current) await this.storage.setAlarm(next);
  }
}
