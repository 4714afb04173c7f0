/** Watching: the site as published (keys, release, scripts), and whether requests still arrive. */
import { UsageError } from '../../config.ts';
import { deliveryStatus } from '../../delivery-watch.ts';
import { ensurePrivateDir, listWrappedKeys } from '../../key-vault.ts';
import { alertConfigFrom, deliverAlert } from '../../alerts.ts';
import { parsePublicKeyList } from '../../push-keys.ts';
import { acceptRelease, keyFingerprint, loadKnownReleases, watchSiteOnce } from '../../site-watch.ts';
import type { KeyStatement } from '../../../../protocol/key-statement.ts';
import { IntakeStore } from '../../store.ts';
import type { Command } from '../command.ts';

export const watch: Command = {
  name: 'watch',
  group: 'watching',
  usage: `  watch --site <url> --recipient <id> [--interval 300] [--once]
                             Watch the site from here: alert when its key set lists a key for
                             <id> that this intake does not hold, its release manifest is not
                             signed by the release key (UTVAG_RELEASE_PUBLIC_KEYS) or accepted,
                             or a contact or answer page, or what it loads, differs from it.
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
      // The kids need no passphrase: the vault's public halves, and the names of key files not yet moved into it.
      const store = IntakeStore.open(dir);
      let heldKids: string[];
      let ownStatement: KeyStatement | null;
      try {
        heldKids = [...store.vault.keys().map((key) => key.kid), ...(await listWrappedKeys(dir)).map((key) => key.kid)];
        // The newest statement an administrator signed: the site must serve the keys it lists (issue 20).
        ownStatement = store.vault.latestStatement()?.statement ?? null;
      } finally {
        store.close();
      }
      const releaseKeys = parsePublicKeyList(config.env.UTVAG_RELEASE_PUBLIC_KEYS);
      const result = await watchSiteOnce({
        siteUrl: site,
        recipient,
        heldKids,
        ownStatement,
        knownReleases: await loadKnownReleases(dir),
        releaseKeys,
      });
      for (const alert of result.alerts) io.err(`watch: ALERT ${alert.code}: ${alert.detail}`);
      if (result.alerts.length > 0) {
        // Through the duty alert channel too, with the codes only (N5).
        const codes = [...new Set(result.alerts.map((alert) => alert.code))].sort();
        await deliverAlert(alertConfigFrom(config.env), { event: 'watch', alerts: codes, at: new Date().toISOString() }, (line) =>
          io.err(line),
        );
      } else {
        const release = result.signed ? `signed release ${result.manifestDigest}` : `release ${result.manifestDigest}`;
        io.out(`watch: ok, ${release}, keys for ${recipient}: ${result.publishedKids.map(keyFingerprint).join(', ') || 'none'}`);
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
