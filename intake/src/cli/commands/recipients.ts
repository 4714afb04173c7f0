/** The recipients file: check it, and print what the site and the Worker are built with. */
import { municipalityIds } from '../../../../protocol/municipalities.ts';
import { buildKeySet, buildPullQueues, buildPushRoutes } from '../../recipients.ts';
import type { Command } from '../command.ts';

export const check: Command = {
  name: 'check',
  group: 'recipients',
  usage: `  check <recipients.json>    Check a recipients file: shape, keys, duplicate kids, the
                             municipalities each serves, its promise and phone line
                             (UTVAG_PRODUCTION=1: no development recipient).`,
  options: [],
  run: async ({ io, argument }) => {
    const keySet = await buildKeySet(argument('a recipients file'), municipalityIds());
    const served = keySet.recipients.reduce((sum, r) => sum + r.serves.length, 0);
    io.out(`OK: ${keySet.recipients.length} recipient(s), ${keySet.keys.length} key(s), ${served} municipality id(s) served.`);
    return 0;
  },
};

export const keyset: Command = {
  name: 'keyset',
  group: 'recipients',
  usage: '  keyset <recipients.json>   Print the public key set (/intake-keys.json) built from it.',
  options: [],
  run: async ({ io, argument }) => {
    io.out(JSON.stringify(await buildKeySet(argument('a recipients file'), municipalityIds()), null, 2));
    return 0;
  },
};

export const routes: Command = {
  name: 'routes',
  group: 'recipients',
  usage: `  routes <recipients.json>   Print the Worker's INTAKE_PUSH_ROUTES value
                             (kid -> recipient, push URL, receipt key).`,
  options: [],
  run: async ({ io, argument }) => {
    io.out(JSON.stringify(await buildPushRoutes(argument('a recipients file'))));
    return 0;
  },
};

export const pullQueues: Command = {
  name: 'pull-queues',
  group: 'recipients',
  usage: `  pull-queues <recipients.json>
                             Print the Worker's INTAKE_PULL_QUEUES value and the queue
                             producers to add to wrangler.jsonc (one queue per pulling recipient).`,
  options: [],
  run: async ({ io, argument }) => {
    const queues = await buildPullQueues(argument('a recipients file'));
    io.out(`INTAKE_PULL_QUEUES=${JSON.stringify(queues.routes)}`);
    io.out('wrangler.jsonc queues.producers, in addition to INTAKE_QUEUE:');
    io.out(JSON.stringify(queues.producers, null, 2));
    return 0;
  },
};
