/**
 * Alerts without content: the duty phone learns that something needs
 * doing, never what. A message holds only counts and minutes left:
 *
 *   {"event":"new"|"escalation"|"heartbeat","open":n,"unclaimed":n,
 *    "overdue":n,"minutesLeft":n|null,"at":"<ISO time>"}
 *
 * Sent on a new request, when unclaimed requests have 6 and then 2 hours
 * left on their promise (one alert per window at most, with a count), once
 * a day as a heartbeat (silence then means the intake is down; it carries
 * the audit checkpoint), to the administrators on a new registration and
 * when one account reads many requests in a short time. The site watch
 * (site-watch.ts) sends
 *
 *   {"event":"watch","alerts":["page_mismatch", …],"at":"<ISO time>"}
 *
 * with the alert codes only (the details, which name pages and files, are
 * in the intake's own output). Delivered by running a configured command (the JSON
 * on its standard input; no shell; alert-delivery.ts, Node only) and/or POSTing it to a
 * configured URL (the municipality's SMS or e-mail gateway). A hosted inbox
 * (hosted/) runs the same rounds (AlertRounds) from its Durable Object's alarm
 * and POSTs to the webhook its administrators set; this file reaches no Node
 * module, so both homes share it.
 */
import type { AuditCheckpoint } from './audit-checkpoint.ts';
import { appendAudit } from './audit.ts';
import type { IntakeStore } from './store.ts';
import { int, text } from './store/rows.ts';

export const ESCALATION_HOURS = [6, 2] as const;
export const HEARTBEAT_HOURS = 24;

export interface AlertMessage {
  event: 'new' | 'escalation' | 'heartbeat' | 'registration' | 'many_opened';
  open: number;
  unclaimed: number;
  overdue: number;
  minutesLeft: number | null;
  at: string;
  /**
   * escalation: how many requests crossed a level since the last one;
   * registration: how many wait for confirmation; many_opened: how many
   * requests one account opened in the window. Never who or which.
   */
  count?: number;
  /** heartbeat: the signed audit checkpoint (audit-checkpoint.ts); keep it outside the intake. */
  checkpoint?: AuditCheckpoint;
}

/** The site watch found something: which kinds, nothing else. */
export interface WatchAlertMessage {
  event: 'watch';
  alerts: string[];
  at: string;
}

export interface AlertConfig {
  /** Program and arguments, split on spaces (no shell): UTVAG_ALERT_COMMAND. */
  command?: string;
  /** URL to POST the JSON to: UTVAG_ALERT_URL. */
  url?: string;
}

/** From the parsed environment (config.ts): $UTVAG_ALERT_COMMAND and $UTVAG_ALERT_URL. */
export function alertConfigFrom(env: { UTVAG_ALERT_COMMAND?: string | undefined; UTVAG_ALERT_URL?: string | undefined }): AlertConfig {
  return {
    ...(env.UTVAG_ALERT_COMMAND ? { command: env.UTVAG_ALERT_COMMAND } : {}),
    ...(env.UTVAG_ALERT_URL ? { url: env.UTVAG_ALERT_URL } : {}),
  };
}

export function summarize(store: IntakeStore, event: AlertMessage['event'], now: Date, minutesLeft: number | null = null): AlertMessage {
  const counts = store.openCounts(now);
  return { event, open: counts.open, unclaimed: counts.unclaimed, overdue: counts.overdue, minutesLeft, at: now.toISOString() };
}

/** The intake's own log line for an alert it sent: the kind and counts only. */
export function alertLogLine(message: AlertMessage | WatchAlertMessage): string {
  return message.event === 'watch'
    ? `alert: watch sent (${message.alerts.join(', ')})`
    : `alert: ${message.event} sent (open ${message.open}, unclaimed ${message.unclaimed})`;
}

/** POSTs an alert's JSON to a URL (the municipality's SMS or e-mail gateway, or a hosted inbox's webhook); never follows a redirect. */
export async function postAlert(url: string, message: AlertMessage | WatchAlertMessage, log: (line: string) => void): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      // Never followed: a redirect answers 3xx, not ok. ('error' throws in workerd, where hosted inboxes send from.)
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    await response.body?.cancel();
    if (!response.ok) log(`alert: URL answered ${response.status}`);
    return response.ok;
  } catch (error) {
    log(`alert: URL failed (${(error as Error).name})`);
    return false;
  }
}

/**
 * Escalations due now: each unclaimed request crossing 6 h and 2 h before
 * its deadline, once per level (remembered in alerts_sent).
 */
export function dueEscalations(store: IntakeStore, now: Date): { ref: string; level: string; minutesLeft: number }[] {
  const due: { ref: string; level: string; minutesLeft: number }[] = [];
  const soon = store.db
    .prepare(`SELECT ref, due_at FROM requests WHERE status = 'new' AND fits = 1 AND due_at IS NOT NULL AND due_at <= ?`)
    .all(now.getTime() + Math.max(...ESCALATION_HOURS) * 3_600_000)
    .map((row) => ({ ref: text(row, 'ref'), due_at: int(row, 'due_at') }));
  for (const row of soon) {
    const left = row.due_at - now.getTime();
    for (const hours of ESCALATION_HOURS) {
      if (left > hours * 3_600_000) continue;
      const level = `${hours}h`;
      const inserted = store.db.prepare('INSERT OR IGNORE INTO alerts_sent (ref, level) VALUES (?, ?)').run(row.ref, level);
      if (inserted.changes === 1) due.push({ ref: row.ref, level, minutesLeft: Math.floor(left / 60_000) });
    }
  }
  return due;
}

/**
 * At most one alert of a kind per window (security review N2): a flood of
 * requests must not flood the duty phone or the SMS bill. What arrives
 * meanwhile is counted, and the next alert carries the count (and the
 * least time left). Escalations: one per ESCALATION_WINDOW_MINUTES; "new":
 * one per NEW_WINDOW_MINUTES.
 */
export const ESCALATION_WINDOW_MINUTES = 30;
export const NEW_WINDOW_MINUTES = 5;

export class AlertGate {
  private last = Number.NEGATIVE_INFINITY;
  private waiting = 0;
  private least: number | null = null;
  private readonly windowMs: number;
  constructor(windowMinutes: number) {
    this.windowMs = windowMinutes * 60_000;
  }

  /** Something to tell: `count` more, with `minutesLeft` (null: no clock). */
  add(count: number, minutesLeft: number | null = null): void {
    if (count <= 0) return;
    this.waiting += count;
    if (minutesLeft !== null) this.least = this.least === null ? minutesLeft : Math.min(this.least, minutesLeft);
  }

  /** When the waiting alert may go (its window's end); null when nothing waits. */
  nextAt(): number | null {
    return this.waiting === 0 ? null : Math.max(this.last + this.windowMs, 0);
  }

  /** The alert to send now, if anything waits and the window since the last one has passed. */
  take(now: number): { count: number; minutesLeft: number | null } | null {
    if (this.waiting === 0 || now - this.last < this.windowMs) return null;
    const due = { count: this.waiting, minutesLeft: this.least };
    this.last = now;
    this.waiting = 0;
    this.least = null;
    return due;
  }
}

/** A new request's alert and the escalations, each behind its gate (N2): what a minute's round sends. */
export class AlertRounds {
  readonly fresh = new AlertGate(NEW_WINDOW_MINUTES);
  readonly escalations = new AlertGate(ESCALATION_WINDOW_MINUTES);

  /** A new request was stored. */
  stored(count = 1): void {
    this.fresh.add(count);
  }

  /**
   * The alerts due now, counts only: new requests, and unclaimed ones
   * crossing 6 h and 2 h left. An escalation leaves its audit line whether
   * or not an alert channel is set.
   */
  due(store: IntakeStore, now: Date): AlertMessage[] {
    const messages: AlertMessage[] = [];
    const fresh = this.fresh.take(now.getTime());
    if (fresh) messages.push({ ...summarize(store, 'new', now), count: fresh.count });
    const due = dueEscalations(store, now);
    if (due.length > 0) this.escalations.add(due.length, Math.min(...due.map((e) => e.minutesLeft)));
    const escalation = this.escalations.take(now.getTime());
    if (escalation) {
      messages.push({ ...summarize(store, 'escalation', now, escalation.minutesLeft), count: escalation.count });
      appendAudit(store, 'alerts', 'alert_sent', null, `escalation ${escalation.count}`, now);
    }
    return messages;
  }

  /**
   * When a round may next have something to send: a gate's window ends with
   * something waiting, or an unclaimed request crosses its next level.
   * null: nothing waits (a timer that ticks anyway needs none of this).
   */
  nextAt(store: IntakeStore, now: Date): number | null {
    const times = [this.fresh.nextAt(), this.escalations.nextAt()];
    for (const hours of ESCALATION_HOURS) {
      const row = store.db
        .prepare(
          `SELECT min(due_at) AS due FROM requests WHERE status = 'new' AND fits = 1 AND due_at IS NOT NULL AND due_at > ?
             AND NOT EXISTS (SELECT 1 FROM alerts_sent a WHERE a.ref = requests.ref AND a.level = ?)`,
        )
        .get(now.getTime() + hours * 3_600_000, `${hours}h`);
      const due = row?.['due'];
      if (typeof due === 'number') times.push(due - hours * 3_600_000);
    }
    const known = times.filter((time): time is number => time !== null);
    return known.length > 0 ? Math.min(...known) : null;
  }
}
