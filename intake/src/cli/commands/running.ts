/** Running: serve (push receiver and team inbox), pull (instead of pushes), import (a version-1 folder). */
import { alertConfigFrom } from '../../alerts.ts';
import { UsageError } from '../../config.ts';
import { legacyKids } from '../../keys/legacy-kids.ts';
import { ensurePrivateDir } from '../../keys/owner-only-files.ts';
import { loadStoreSecret } from '../../keys/store-secret.ts';
import { importFileInbox } from '../../legacy/v1-file-inbox.ts';
import { pullConfigFromEnv, pullOnce } from '../../pull.ts';
import { loadReceiverAuth, parsePublicKeyList } from '../../push-keys.ts';
import { PUSH_PATH } from '../../receiver/push-app.ts';
import { DEFAULT_INBOX_PORT, DEFAULT_PUSH_PORT, startIntakeService } from '../../service.ts';
import { IntakeStore } from '../../store.ts';
import type { Command } from '../command.ts';

export const serve: Command = {
  name: 'serve',
  group: 'running',
  usage: `  serve --recipient <id> [--port 8788] [--push-port 8789] [--host 127.0.0.1]
        [--url https://inbox.example.se] [--recipients recipients.json] [--retention-days 30]
                             The team inbox on --port, and the push receiver (POST ${PUSH_PATH},
                             for recipient <id> only) on its own --push-port: only that one is
                             for the Worker, through your HTTPS proxy. Needs INTAKE_WORKER_PUBLIC_KEYS (the
                             Worker's public key; comma-separated during a rotation) and the
                             receipt key. --url is the inbox's address as staff open it
                             (passkeys are bound to it; default http://localhost:<port>).
                             No passphrase: the server holds no key that opens a request.`,
  options: ['recipient', 'port', 'push-port', 'host', 'url', 'recipients', 'retention-days', 'site', 'dev-staff'],
  run: async ({ dir, config, io, recipients }) => {
    const { flags, env, numbers } = config;
    const recipient = flags.recipient ?? env.UTVAG_RECIPIENT;
    if (!recipient) throw new UsageError("serve needs --recipient <id> (this intake's id in recipients.json)");
    const workerKeys = parsePublicKeyList(env.INTAKE_WORKER_PUBLIC_KEYS);
    if (workerKeys.length === 0) throw new UsageError("serve needs INTAKE_WORKER_PUBLIC_KEYS in the environment (the Worker's public key)");
    const replyIntervalMs = Number(env.UTVAG_REPLY_INTERVAL_MS ?? '');
    await ensurePrivateDir(dir);
    const pushAuth = await loadReceiverAuth(dir, recipient, workerKeys);
    const service = await startIntakeService({
      dir,
      port: numbers.port ?? DEFAULT_INBOX_PORT,
      pushPort: numbers['push-port'] ?? DEFAULT_PUSH_PORT,
      ...(flags.host ? { hostname: flags.host } : {}),
      ...(flags.url ? { publicUrl: flags.url } : {}),
      recipients: await recipients(),
      recipient,
      pushAuth,
      retentionDays: config.retentionDays,
      alerts: alertConfigFrom(env),
      trustedProxies: (env.UTVAG_TRUSTED_PROXY ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
      log: io.out,
      // With UTVAG_SITE_URL (or --site), written replies waiting in the store go out from here too.
      replySite: flags.site ?? env.UTVAG_SITE_URL ?? null,
      ...(replyIntervalMs > 0 ? { replyIntervalMs } : {}),
    });
    io.out(`Push receiver for ${recipient}: http://${flags.host ?? '127.0.0.1'}:${service.pushPort}${PUSH_PATH}`);
    io.out(`Team inbox: ${service.origin}/`);
    const devStaff = flags['dev-staff'];
    if (devStaff) {
      // Development only: one admin account, and a fresh one-time link to add a passkey to it.
      const staff = service.accounts.activeStaff().find((s) => s.name === devStaff) ?? service.accounts.createStaff(devStaff, 'admin');
      io.out(`Team inbox: ${service.origin}/invite/${service.accounts.invite(staff.id)}`);
    }
    await new Promise<void>((resolve) => {
      const stop = () => void service.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};

export const pull: Command = {
  name: 'pull',
  group: 'running',
  usage: `  pull [--watch] [--interval 30]
                             Fetch from Cloudflare's queue over HTTP instead of pushes.
                             Needs CLOUDFLARE_ACCOUNT_ID, UTVAG_QUEUE_ID, CLOUDFLARE_QUEUES_API_TOKEN.`,
  options: ['watch', 'interval', 'recipients'],
  run: async ({ dir, config, io, recipients }) => {
    const pullConfig = pullConfigFromEnv(config.env);
    await ensurePrivateDir(dir);
    const store = IntakeStore.open(dir, await loadStoreSecret(dir));
    const target = { store, recipients: await recipients(), legacyKids: await legacyKids(dir) };
    const intervalMs = (config.numbers.interval ?? 30) * 1000;
    const watch = Boolean(config.flags.watch);
    for (;;) {
      try {
        const summary = await pullOnce(pullConfig, target);
        if (summary.pulled > 0 || !watch) {
          io.out(
            `pulled ${summary.pulled}: ${summary.stored} new, ${summary.duplicates} already stored, ${summary.quarantined} quarantined, ${summary.leftForRedelivery} left for redelivery`,
          );
        }
      } catch (error) {
        if (!watch) throw error;
        io.err(`pull failed (${(error as Error).message}); trying again`);
      }
      if (!watch) return 0;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  },
};

export const importFiles: Command = {
  name: 'import',
  group: 'running',
  usage: `  import [--delete-plaintext]
                             Move a version-1 file inbox (inbox/, done/, quarantine/) into the store,
                             sealed to the team vault's newest public key (set the vault up first).`,
  options: ['delete-plaintext', 'recipients'],
  run: async ({ dir, config, io, recipients }) => {
    const deletePlaintext = Boolean(config.flags['delete-plaintext']);
    const store = IntakeStore.open(dir, await loadStoreSecret(dir));
    try {
      const report = await importFileInbox(dir, store, await recipients(), { deletePlaintext });
      io.out(`Imported ${report.imported} request(s) (${report.duplicates} already there), ${report.quarantined} quarantined envelope(s).`);
      for (const problem of report.keptFiles) io.out(`Kept (not imported): ${problem}`);
      if (!deletePlaintext && report.imported + report.duplicates > 0) {
        io.out('The plaintext files are still in inbox/ and done/. After checking the inbox, run again with --delete-plaintext.');
      }
    } finally {
      store.close();
    }
    return 0;
  },
};
