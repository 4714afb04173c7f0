/**
 * The browser's checks (request-check.ts, no schema library) against the
 * request schema the Worker and the intake use (request.ts): for every
 * answer a form can produce, both accept the same requests and point at
 * the same fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldProblems, issuePathsOf, readContactForm } from '../../src/contact/form-fields.ts';
import { contactMethods, LANGUAGE_MAX_LENGTH, MESSAGE_MAX_LENGTH, needs, roles, SAFE_TIMES_MAX_LENGTH } from '../../protocol/limits.ts';
import { completeRequest, requestProblems } from '../../protocol/request-check.ts';
import { contactRequestSchema, type ContactRequestInput } from '../../protocol/request.ts';
import { localeCodes } from '../../protocol/locales.ts';

const reply = { publicKey: `B${'A'.repeat(85)}A`, mailbox: `${'A'.repeat(21)}A` };

// Text as people type and paste it: mostly ordinary, sometimes a control
// character, a lone surrogate, emoji, or one character over the limit.
const text = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.string({ unit: 'binary', maxLength: 10 }),
    fc.constantFrom('', 'bell\u0007', 'half \ud83d', 'half \udc4d', 'ok 👍\n\t', 'x'.repeat(max), 'x'.repeat(max + 1), 'ቀ'.repeat(max)),
  );
const phone = fc.oneof(
  fc.constantFrom(
    '',
    '070-123 45 67',
    '+46701234567',
    '(08) 123 456',
    '070-ABC',
    '123',
    '+46 70 123 45 67 89 01 23 4',
    `${'1 '.repeat(16)}1`,
  ),
  fc.string({ maxLength: 40 }),
);

/** Answers through readContactForm, as the form sends them, with or without a reply address. */
const formAnswers = fc
  .record({
    locale: fc.constantFrom(...localeCodes, 'de'),
    role: fc.constantFrom(...roles, 'police'),
    municipality: fc.constantFrom('', 'unknown', 'stockholm', 'Stockholm', 'a'.repeat(65), 'göteborg'),
    needs: fc.subarray([...needs, 'weapons']),
    method: fc.constantFrom(...contactMethods, 'letter'),
    phone,
    safeTimes: text(SAFE_TIMES_MAX_LENGTH),
    language: text(LANGUAGE_MAX_LENGTH),
    message: text(MESSAGE_MAX_LENGTH),
    voicemailOk: fc.boolean(),
    withReply: fc.boolean(),
  })
  .map(({ needs: chosen, withReply, ...fields }): ContactRequestInput => {
    const form = new URLSearchParams(Object.entries(fields).map(([name, value]) => [name, String(value === true ? 'yes' : value)]));
    for (const need of chosen) form.append('needs', need);
    const input = readContactForm(form);
    return withReply ? { ...input, reply } : input;
  });

describe('request-check.ts agrees with the request schema', () => {
  it('accepts exactly the answers the schema accepts, and points at the same fields', () => {
    fc.assert(
      fc.property(formAnswers, (input) => {
        const paths = requestProblems(input);
        const parsed = contactRequestSchema.safeParse(completeRequest(input));
        expect(paths.length === 0).toBe(parsed.success);
        if (!parsed.success) expect(fieldProblems(input, paths)).toEqual(fieldProblems(input, issuePathsOf(parsed.error)));
      }),
      { numRuns: 2000 },
    );
  });

  it('names each field a person can get wrong', () => {
    const ok: ContactRequestInput = {
      locale: 'sv',
      role: 'self',
      municipality: 'unknown',
      needs: [],
      contact: { method: 'call', phone: '070-123 45 67', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
      language: '',
      interpreter: false,
      message: '',
    };
    expect(requestProblems(ok)).toEqual([]);
    expect(requestProblems({ ...ok, contact: { ...ok.contact, phone: '123' } })).toEqual(['contact.phone']);
    expect(requestProblems({ ...ok, contact: { ...ok.contact, phone: undefined } })).toEqual(['contact.phone']);
    expect(requestProblems({ ...ok, contact: { ...ok.contact, method: 'here' } })).toEqual(['reply']);
    expect(requestProblems({ ...ok, message: 'x'.repeat(MESSAGE_MAX_LENGTH + 1), language: 'bell\u0007' })).toEqual([
      'language',
      'message',
    ]);
    // "Only here" needs no phone number: a message to fix does not say one is missing.
    const hereOnly = { ...ok, contact: { ...ok.contact, method: 'here' as const, phone: undefined }, reply, message: 'bell\u0007' };
    expect(fieldProblems(hereOnly, requestProblems(hereOnly))).toEqual({ message: 'text' });
  });
});
