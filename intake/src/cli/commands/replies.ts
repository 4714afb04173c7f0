/** The way back (issue 14): answer a request on the site, and send what waits in the outbox. */
import { unlockVault } from '../../key-vault.ts';
import { REPLY_HELP, runDeliverReplies, runReplyCommand } from '../../reply-command.ts';
import { withStore, type Command } from '../command.ts';

const [replyUsage, deliverUsage] = REPLY_HELP.split(/\n(?= {2}deliver-replies)/);

export const reply: Command = {
  name: 'reply',
  group: 'replies',
  usage: replyUsage!,
  options: ['phrase', 'text', 'lang', 'place', 'time', 'date', 'site', 'recipients', 'passphrase-file'],
  run: async ({ dir, config, io, passphrase, recipients, argument }) => {
    const code = argument('a receipt code');
    const vault = await unlockVault(dir, await passphrase());
    const { phrase, text, lang, place, time, date } = config.flags;
    const site = config.flags.site ?? config.env.UTVAG_SITE_URL;
    const directory = await recipients();
    return withStore(dir, vault.storeSecret, (store) =>
      runReplyCommand(store, vault, directory, code, { phrase, text, lang, place, time, date, site }, io.out),
    );
  },
};

export const deliverReplies: Command = {
  name: 'deliver-replies',
  group: 'replies',
  usage: deliverUsage!,
  options: ['site', 'watch', 'interval', 'passphrase-file'],
  run: async ({ dir, config, io, passphrase }) => {
    const vault = await unlockVault(dir, await passphrase());
    const site = config.flags.site ?? config.env.UTVAG_SITE_URL;
    return withStore(dir, vault.storeSecret, (store) =>
      runDeliverReplies(store, vault, { site, watch: config.flags.watch ?? false, intervalSeconds: config.numbers.interval ?? 30 }, io),
    );
  },
};
