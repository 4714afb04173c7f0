/**
 * `intake serve`: opens the store (no passphrase: it holds no key that
 * opens a request, issue 19), and runs the push receiver and the team inbox on two listeners (two
 * ports: only the receiver's is for the Worker, through the municipality's
 * HTTPS proxy; the inbox's stays on its own network), with a minute timer
 * for content-free alerts and retention.
 */
import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Hono } from 'hono';
import { Accounts, relyingParty } from './accounts.ts';

export { relyingParty };
import {
  AlertGate,
  deliverAlert,
  dueEscalations,
  ESCALATION_WINDOW_MINUTES,
  HEARTBEAT_HOURS,
  NEW_WINDOW_MINUTES,
  summarize,
  type AlertConfig,
} from './alerts.ts';
import { appendAudit } from './audit.ts';
import { checkpointSigningKey, makeCheckpoint } from './audit-checkpoint.ts';
import { createInboxApp } from './inbox/app.ts';
import { nodeInboxAssets } from './inbox/node-assets.ts';
import { createPushApp, PUSH_PATH } from './receiver/push-app.ts';
import { loadStoreSecret } from './keys/store-secret.ts';
import { keyReminder } from './keys/key-dates.ts';
import { legacyKids } from './keys/legacy-kids.ts';
import { NO_RECIPIENTS, type RecipientDirectory } from './promise.ts';
import type { ReceiverAuth } from '../../protocol/push-auth.ts';
import { IntakeStore } from './store.ts';
import { startReplyDelivery } from './reply-outbox.ts';
import { sitePublisher, startStatementPublishing } from './statement-outbox.ts';

/** Default ports: the team inbox, and the push receiver (the Worker's deliveries). */
export const DEFAULT_INBOX_PORT = 8788;
export const DEFAULT_PUSH_PORT = 8789;

export interface IntakeServiceOptions {
  dir: string;
  /** The team inbox's port. */
  port: number;
  /** The push receiver's port (0: any free one). */
  pushPort: number;
  /** The address both listen on (default 127.0.0.1: put a reverse proxy in front). */
  hostname?: string;
  /** The inbox's public origin (WebAuthn needs it), default http://localhost:<port>. */
  publicUrl?: string;
  recipients?: RecipientDirectory;
  /** This intake's recipient id: its key statements are for it (issue 20). */
  recipient?: string;
  pushAuth: ReceiverAuth;
  retentionDays: number;
  alerts?: AlertConfig;
  /** UTVAG_TRUSTED_PROXY: the reverse proxy's addresses (sign-in limits per forwarded client). */
  trustedProxies?: readonly string[];
  log?: (line: string) => void;
  /**
   * The site (Worker) that keeps sealed replies (issue 14): waiting replies
   * are sent there every `replyIntervalMs` (default 30 s) and at once after
   * one is written. Null or absent: replies wait in the store's outbox.
   * Key statements signed in the inbox are published there too (PUT
   * /api/key-statement), retried every minute while they wait.
   */
  replySite?: string | null;
  replyIntervalMs?: number;
}

export interface IntakeService {
  store: IntakeStore;
  accounts: Accounts;
  /** The inbox's port, and the push receiver's. */
  port: number;
  pushPort: number;
  origin: string;
  close: () => Promise<void>;
}

export async function startIntakeService(options: IntakeServiceOptions): Promise<IntakeService> {
  const log = options.log ?? ((line: string) => console.log(line));
  const storeSecret = await loadStoreSecret(options.dir);
  const store = IntakeStore.open(options.dir, storeSecret);
  // Keys still wrapped with the old passphrase (before `intake move-keys`): their envelopes are kept, not quarantined.
  const oldKids = await legacyKids(options.dir);
  // The inbox's origin; for port 0 it is known once listening (accounts read it lazily through rp).
  const rp = relyingParty(options.publicUrl ?? `http://localhost:${options.port}`);
  const accounts = new Accounts(store, rp);
  const alerts = options.alerts ?? {};
  const recipients = options.recipients ?? NO_RECIPIENTS;
  const newGate = new AlertGate(NEW_WINDOW_MINUTES);
  const escalationGate = new AlertGate(ESCALATION_WINDOW_MINUTES);
  const replyIntervalMs = options.replyIntervalMs ?? 30_000;
  const replyDelivery = startReplyDelivery(store, options.replySite ?? null, log, replyIntervalMs);
  const publishStatement = options.replySite ? sitePublisher(options.replySite) : null;
  const statementPublishing = startStatementPublishing(store.vault, publishStatement, log);
  const checkpointKey = checkpointSigningKey(storeSecret);
  const pushApp = createPushApp({
    store,
    legacyKids: oldKids,
    recipients,
    pushAuth: options.pushAuth,
    log,
    onStored: () => newGate.add(1),
  });
  const inboxApp = createInboxApp({
    store,
    accounts,
    recipients,
    retentionDays: options.retentionDays,
    assets: nodeInboxAssets(),
    log,
    replies: { deliverNow: replyDelivery.kick, siteKnown: Boolean(options.replySite) },
    ...(options.recipient ? { recipient: options.recipient } : {}),
    ...(publishStatement ? { publishStatement } : {}),
    trustedProxies: options.trustedProxies ?? [],
    remoteAddress: (c) => getConnInfo(c).remote.address,
    alert: (event, count) => {
      if (alerts.command || alerts.url) void deliverAlert(alerts, { ...summarize(store, event, new Date()), count }, log);
    },
  });
  const hostname = options.hostname ?? '127.0.0.1';
  const push = await listen(pushApp, options.pushPort, hostname);
  const inbox = await listen(inboxApp, options.port, hostname).catch(async (error: unknown) => {
    await new Promise((resolve) => push.server.close(resolve));
    throw error;
  });
  if (!options.publicUrl) Object.assign(rp, relyingParty(`http://localhost:${inbox.port}`));
  const keys = [...store.vault.keys().filter((key) => key.retiredAt === null), ...oldKids.values()];
  log(`Intake receiver listening on http://${hostname}:${push.port}${PUSH_PATH} with ${keys.length} key(s).`);
  if (keys.length === 0) log('Keys: none yet. The first administrator makes them when setting up the team vault in the inbox.');
  if (options.replySite) {
    log(
      `Replies: written answers are sent to ${new URL(options.replySite).origin} (waiting ones every ${Math.round(replyIntervalMs / 1000)} s).`,
    );
    void replyDelivery.kick();
    void statementPublishing.kick();
  }

  // The same reminder the inbox shows its administrators (keys/key-dates.ts): at start and with each heartbeat.
  const remindKeys = (now: Date) => {
    const reminder = keyReminder(store.vault.keys(), now);
    if (reminder)
      log(
        `Keys: the newest key ${reminder.ended ? 'ended' : 'ends'} on ${reminder.newestEnds}; make the next one under Keys in the team inbox (${rp.origin}/keys); the inbox publishes it, signed.`,
      );
  };
  remindKeys(new Date());

  let lastHeartbeat = 0;
  const tick = async () => {
    const now = new Date();
    try {
      // One alert of a kind per window at most, with a count (N2): a flood cannot flood the duty phone.
      const fresh = newGate.take(now.getTime());
      if (fresh && (alerts.command || alerts.url)) await deliverAlert(alerts, { ...summarize(store, 'new', now), count: fresh.count }, log);
      const due = dueEscalations(store, now);
      if (due.length > 0) escalationGate.add(due.length, Math.min(...due.map((e) => e.minutesLeft)));
      const escalation = escalationGate.take(now.getTime());
      if (escalation) {
        if (alerts.command || alerts.url)
          await deliverAlert(alerts, { ...summarize(store, 'escalation', now, escalation.minutesLeft), count: escalation.count }, log);
        appendAudit(store, 'alerts', 'alert_sent', null, `escalation ${escalation.count}`, now);
      }
      if (now.getTime() - lastHeartbeat >= HEARTBEAT_HOURS * 3_600_000) {
        // The first tick runs at start, where the reminder was just printed.
        if (lastHeartbeat !== 0) remindKeys(now);
        lastHeartbeat = now.getTime();
        // The heartbeat carries the signed audit checkpoint, so a copy of the chain's head lives outside (N9).
        const checkpoint = makeCheckpoint(store, checkpointKey, now);
        if (alerts.command || alerts.url) await deliverAlert(alerts, { ...summarize(store, 'heartbeat', now), checkpoint }, log);
      }
      for (const ref of store.applyRetention(options.retentionDays, now)) appendAudit(store, 'retention', 'deleted', ref, null, now);
      // Names written by `staff invite` (no passphrase) are sealed within a minute (N14).
      store.sealStaffNames();
    } catch (error) {
      log(`intake: timer failed (${(error as Error).name})`);
    }
  };
  const timer = setInterval(() => void tick(), 60_000);
  void tick();

  return {
    store,
    accounts,
    port: inbox.port,
    pushPort: push.port,
    origin: rp.origin,
    close: async () => {
      clearInterval(timer);
      replyDelivery.stop();
      statementPublishing.stop();
      await Promise.all([push.server, inbox.server].map((server) => new Promise((resolve) => server.close(resolve))));
      store.close();
    },
  };
}

/** Serves `app` on hostname:port; resolves once it listens, with the port it got. */
async function listen(app: Pick<Hono, 'fetch'>, port: number, hostname: string): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info) => resolve({ server, port: info.port }));
    server.once('error', reject);
  });
}
