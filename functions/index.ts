import { app } from './app.ts';
import type { Env } from './env.ts';
import { handleIntakeBatch } from './queue-consumer.ts';

export default {
  fetch: app.fetch,
  // Push delivery: each queued envelope goes to its municipality's receiver.
  queue: async (batch, env) => {
    await handleIntakeBatch(batch, env);
  },
} satisfies ExportedHandler<Env>;
