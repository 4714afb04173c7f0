/**
 * The browser's checks of an opened answer and of a look-up (reply-open.ts,
 * no schema library) against the schemas the intake seals with and the
 * Worker answers with (reply.ts): everything the schemas accept opens, and
 * what the page could not show is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_REPLIES_PER_MAILBOX, REPLY_PLACE_MAX_LENGTH, REPLY_TEXT_MAX_LENGTH } from '../../protocol/limits.ts';
import { readLookupResponse, readReplyMessage } from '../../protocol/reply-open.ts';
import { lookupResponseSchema, replyMessageSchema, type ReplyMessage } from '../../protocol/reply.ts';
import { localeCodes } from '../../protocol/locales.ts';

const message: ReplyMessage = {
  v: 1,
  id: crypto.randomUUID(),
  case: crypto.randomUUID(),
  receipt: '482 915 307 621',
  created: '2026-12-02',
  phrases: [{ id: 'received' }],
};

const phrase = fc.oneof(
  fc.constantFrom({ id: 'received' }, { id: 'will-call' }, { id: 'write-back' }),
  fc.record({ id: fc.constant('could-not-reach'), phone: fc.constantFrom('08-508 25 600', '+46 8 508 25 600', '123', 'ring oss') }),
  fc.record({ id: fc.constant('meet'), place: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('ቀ'.repeat(REPLY_PLACE_MAX_LENGTH + 1))) }),
);
const text = fc.option(
  fc.record({
    lang: fc.constantFrom(...localeCodes, 'de'),
    body: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('a'.repeat(REPLY_TEXT_MAX_LENGTH + 1)), fc.constant('bell\u0007')),
  }),
  { nil: undefined },
);
const messages = fc
  .record({
    receipt: fc.constantFrom('482 915 307 621', '7KQ3-MX2P', '0000-0000'),
    created: fc.constantFrom('2026-12-02', '2026-02-29'),
    phrases: fc.array(phrase, { maxLength: 4 }),
    text,
  })
  .map(({ text: body, ...rest }) => ({ ...message, ...rest, ...(body ? { text: body } : {}) }));

describe('reply-open.ts agrees with the reply schemas', () => {
  it('reads every answer the schema accepts, and refuses every other one made here', () => {
    fc.assert(
      fc.property(messages, (candidate) => {
        expect(readReplyMessage(candidate) !== null).toBe(replyMessageSchema.safeParse(candidate).success);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses what the page could not show', () => {
    expect(readReplyMessage(message)).toEqual(message);
    for (const bad of [
      null,
      'text',
      { ...message, v: 2 },
      { ...message, id: 'not-a-uuid' },
      { ...message, phrases: [] },
      { ...message, phrases: [{ id: 'received' }, { id: 'received' }] },
      { ...message, phrases: [{ id: 'pay-us' }] },
      { ...message, phrases: [{ id: 'could-not-reach' }] },
      { ...message, text: { lang: 'sv' } },
      { ...message, text: { lang: 'sv', body: '' } },
    ]) {
      expect(readReplyMessage(bad)).toBeNull();
    }
  });

  it('reads a look-up answer only with exactly the slots the Worker always returns', () => {
    const slot = { id: 'a', kid: 'b', enc: 'c', ct: 'd' };
    const answer = { v: 1, count: 1, replies: Array.from({ length: MAX_REPLIES_PER_MAILBOX }, () => slot) };
    expect(readLookupResponse(answer)).toEqual(answer);
    for (const bad of [
      { ...answer, count: MAX_REPLIES_PER_MAILBOX + 1 },
      { ...answer, count: 0.5 },
      { ...answer, replies: answer.replies.slice(1) },
      { ...answer, replies: [...answer.replies.slice(1), { ...slot, ct: 1 }] },
      { ...answer, v: 2 },
    ]) {
      expect(readLookupResponse(bad)).toBeNull();
      expect(lookupResponseSchema.safeParse(bad).success).toBe(false);
    }
  });
});
