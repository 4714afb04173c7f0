import { describe, expect, it } from 'vitest';
import { contactRequestSchema, createRequest, swedishDay, type ContactRequestInput } from '../../protocol/request.ts';

const answers: ContactRequestInput = {
  locale: 'so',
  role: 'relative',
  municipality: 'unknown',
  needs: ['housing'],
  contact: { method: 'call', phone: '+46 70 123 45 67', safeTimes: '', voicemailOk: true, mayNameSocialServices: false },
  language: '',
  interpreter: false,
  message: 'Hej\r\nrad två\ttabb',
};

describe('contact request', () => {
  it('createRequest fills v, a UUID id, a receipt code and the Swedish day', () => {
    const request = createRequest(answers, new Date('2026-03-01T23:30:00Z'));
    expect(request.v).toBe(1);
    expect(request.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(request.receipt).toMatch(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/);
    // 23:30 UTC is already the next day in Stockholm.
    expect(request.created).toBe('2026-03-02');
    expect(swedishDay(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
  });

  it('needs a phone number to call or text, but not when the person calls', () => {
    expect(() => createRequest({ ...answers, contact: { ...answers.contact, phone: undefined } })).toThrow(/phone/);
    const { phone: _unused, ...withoutPhone } = answers.contact;
    expect(() => createRequest({ ...answers, contact: { ...withoutPhone, method: 'sms' } })).toThrow();
    expect(createRequest({ ...answers, contact: { ...withoutPhone, method: 'i-call' } }).contact.phone).toBeUndefined();
  });

  it('accepts Swedish and international phone numbers and refuses letters or too few digits', () => {
    for (const phone of ['070-123 45 67', '+46701234567', '0046 70 123 45 67', '(08) 123 456']) {
      expect(createRequest({ ...answers, contact: { ...answers.contact, phone } }).contact.phone).toBe(phone);
    }
    for (const phone of ['070-ABC', '123', '+46 70 123 45 67 89 01 23 4']) {
      expect(() => createRequest({ ...answers, contact: { ...answers.contact, phone } })).toThrow();
    }
  });

  it('refuses control characters and lone surrogates but keeps tabs, line breaks and emoji', () => {
    expect(createRequest({ ...answers, message: 'ok 👍\n' }).message).toBe('ok 👍\n');
    expect(() => createRequest({ ...answers, message: 'bell\u0007' })).toThrow();
    expect(() => createRequest({ ...answers, message: 'half \ud83d' })).toThrow();
    expect(() => createRequest({ ...answers, message: 'half \udc4d' })).toThrow();
  });

  it('refuses unknown fields, repeated needs, unknown enums and impossible days', () => {
    const request = createRequest(answers);
    expect(contactRequestSchema.safeParse(request).success).toBe(true);
    for (const bad of [
      { ...request, ip: '192.0.2.1' },
      { ...request, needs: ['housing', 'housing'] },
      { ...request, needs: ['weapons'] },
      { ...request, role: 'police' },
      { ...request, locale: 'de' },
      { ...request, created: '2026-02-29' },
      { ...request, created: '2026-03-01T10:00:00Z' },
      { ...request, receipt: '0000-0000' },
      { ...request, municipality: 'Malmö' },
      { ...request, contact: { ...request.contact, extra: 1 } },
      { ...request, v: 2 },
    ]) {
      expect(contactRequestSchema.safeParse(bad).success).toBe(false);
    }
  });
});
