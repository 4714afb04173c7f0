/**
 * The way back (issue 14): send what waits in the outbox. Answers are
 * written, sealed and signed in the team inbox (issue 19): this command
 * signs nothing, it posts what the browser signed.
 */
import { INTAKE_COMMAND } from '../../command-name.ts';
import { UsageError } from '../../config.ts';
import { deliverOutbox, summaryLine } from '../../reply-outbox.ts';
import { withStore, type Command } from '../command.ts';

export const deliverReplies: Command = {
  name: 'deliver-replies',
  group: 'replies',
  usage: `  deliver-replies [--watch] [--interval 30]
                             Send what waits in the outbox (needs $UTVAG_SITE_URL or --site). Answers
                             are written in the team inbox; a running serve with UTVAG_SITE_URL sends them too.`,
  options: ['site', 'watch', 'interval'],
  run: async ({ dir, config, io }) => {
    const site = config.flags.site ?? config.env.UTVAG_SITE_URL;
    if (!site) throw new UsageError(`deliver-replies needs UTVAG_SITE_URL or --site (see ${INTAKE_COMMAND} help)`);
    return withStore(dir, null, async (store) => {
      for (;;) {
        const summary = await deliverOutbox(store, site);
        if (!config.flags.watch || summary.delivered > 0 || summary.refused.length > 0) io.out(summaryLine(summary));
        if (!config.flags.watch) return summary.refused.length > 0 ? 1 : 0;
        await new Promise((resolve) => setTimeout(resolve, (config.numbers.interval ?? 30) * 1000));
      }
    });
  },
};
