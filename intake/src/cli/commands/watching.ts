/** Watching: the site as published (keys, release, scripts), and whether requests still arrive. */
import { UsageError } from '../../config.ts';
import { deliveryStatus } from '../../delivery-watch.ts';
import { ensurePrivateDir, listWrappedKeys } from '../../key-vault.ts';
import { acceptRelease, loadKnownReleases, shortFingerprint, watchSiteOnce } from '../../site-watch.ts';
import { IntakeStore } from '../../store.ts';
import type { Command } from '../command.ts';

export const watch: Command = {
  name: 'watch',
  group: 'watching',
  usage: `  watch --site <url> --recipient <id> [--interval 300] [--once]
                             Watch the site from here: alert when its key set lists a key for
                             <id> that this intake does not hold, or its release manifest is not
                             a release this intake knows, or the contact page's scripts differ.
  watch --accept-release=<digest>
                             Accept a release manifest (after checking it with the project;
                             write "=": a digest may begin with "-").`,
  options: ['site', 'recipient', 'interval', 'once', 'accept-release'],
  run: async ({ dir, config, io }) => {
    const { flags } = config;
    await ensurePrivateDir(dir);
    const accepted = flags['accept-release'];
    if (accepted) {
      await acceptRelease(dir, accepted);
      io.out(`Release ${accepted} accepted.`);
      return 0;
    }
    const recipient = flags.recipient ?? config.env.UTVAG_RECIPIENT;
    const site = flags.site;
    if (!site || !recipient) throw new UsageError('watch needs --site <url> and --recipient <id>');
    const intervalMs = (config.numbers.interval ?? 300) * 1000;
    for (;;) {
      // The kids need no passphrase: they are in the wrapped key files' names and metadata.
      const heldKids = (await listWrappedKeys(dir)).map((key) => key.kid);
      const result = await watchSiteOnce({ siteUrl: site, recipient, heldKids, knownReleases: await loadKnownReleases(dir) });
      for (const alert of result.alerts) io.err(`watch: ALERT ${alert.code}: ${alert.detail}`);
      if (result.alerts.length === 0) {
        io.out(`watch: ok, release ${result.manifestDigest}, keys for ${recipient}: ${result.publishedKids.map(shortFingerprint).join(', ') || 'none'}`);
      }
      if (flags.once) return result.alerts.length === 0 ? 0 : 1;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  },
};

export const deliveryCheck: Command = {
  name: 'delivery-check',
  group: 'watching',
  usage: `  delivery-check [--expect-within 24]
                             Say when the last request arrived; exit 1 (an alert) when nothing
                             has arrived for longer than that many hours.`,
  options: ['expect-within'],
  run: async ({ dir, config, io }) => {
    const hours = config.numbers['expect-within'] ?? 24;
    const store = IntakeStore.open(dir);
    try {
      const status = deliveryStatus(store.lastReceivedAt(), hours * 3_600_000);
      io.out(status.line);
      return status.overdue ? 1 : 0;
    } finally {
      store.close();
    }
  },
};
