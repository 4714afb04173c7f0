/**
 * The shape of POST /api/reply/write-back as the Worker checks it
 * (write-back.ts, WIRE-FORMAT.md §16). Apart from write-back.ts, which the
 * browser loads, so no schema library reaches the page.
 */
import * as z from 'zod/mini';
import { base64urlOf, envelopeSchema } from './envelope.ts';
import { mailboxIdSchema } from './reply.ts';
import { REPLY_ID_SIZE, REPLY_WIRE_VERSION } from './limits.ts';

export const writeBackPostSchema = z.strictObject({
  v: z.literal(REPLY_WIRE_VERSION),
  mailbox: mailboxIdSchema,
  reply: base64urlOf(REPLY_ID_SIZE, 'reply'),
  envelope: envelopeSchema,
});
