/** Every intake command, in the order the help lists them. */
import type { Command } from './command.ts';
import { check, keyset, pullQueues, routes } from './commands/recipients.ts';
import { keys, receiptKey, workerKey } from './commands/keys.ts';
import { moveKeys } from './commands/move-keys.ts';
import { deliverReplies } from './commands/replies.ts';
import { importFiles, pull, serve } from './commands/running.ts';
import { audit, backup, list, staff } from './commands/staff.ts';
import { deliveryCheck, watch } from './commands/watching.ts';

export const COMMANDS: readonly Command[] = [
  keys,
  receiptKey,
  workerKey,
  moveKeys,
  check,
  keyset,
  routes,
  pullQueues,
  serve,
  pull,
  importFiles,
  watch,
  deliveryCheck,
  staff,
  audit,
  backup,
  list,
  deliverReplies,
];
