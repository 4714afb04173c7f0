import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../../functions/app.ts';
import type { Env } from '../../functions/env.ts';
import { contactErrorStatus } from '../../functions/contact-errors.ts';
import { forgetKeySet } from '../../functions/intake-keys.ts';
import { MAX_BODY_BYTES } from '../../functions/routes/contact.ts';
import { sealRequest, base64urlEncode, type Envelope } from '../../protocol/envelope.ts';
import { keySetSchema, type KeySet } from '../../protocol/key-set.ts';
import { useTranslations } from '../../src/i18n/translator.ts';
import { createRequest, type ContactRequestInput } from '../../protocol/request.ts';

/** A queue that records what it is given, or refuses everything. */
function recordingQueue(refuse = false) {
  const sent: { body: unknown; options: unknown }[] = [];
  const queue = {
    send: async (body: unknown, options?: unknown) => {
      if (refuse) throw new Error('queue is down');
      sent.push({ body, options });
    },
    sendBatch: async () => {
      throw new Error('not used');
    },
  } as unknown as Queue<unknown>;
  return { sent, queue };
}

let address = 0;
/** Every test gets its own address, so the rate limiter's count starts at zero. */
function freshAddress(): string {
  address += 1;
  return `192.0.2.${address}`;
}

function post(body: BodyInit, contentType: string, ip: string, testEnv: Env = env as unknown as Env) {
  return app.request(
    '/api/contact',
    { method: 'POST', body, headers: { 'content-type': contentType, 'cf-connecting-ip': ip } },
    testEnv,
  );
}

const answers: ContactRequestInput = {
  locale: 'ti',
  role: 'relative',
  municipality: 'stockholm',
  needs: ['safety', 'family'],
  contact: { method: 'call', phone: '070-123 45 67', safeTimes: 'ድሕሪ ሰዓት 6', voicemailOk: false, mayNameSocialServices: true },
  language: 'ትግርኛ',
  interpreter: true,
  message: 'ወደይ ካብ ጉጅለ ክወጽእ ይደሊ። ሓገዝ የድልየና።',
};

let keySet: KeySet;
async function validEnvelope(): Promise<Envelope> {
  const key = keySet.keys.find((k) => keySet.recipients.find((r) => r.id === k.recipient)?.serves.includes('stockholm'))!;
  return sealRequest(createRequest(answers), key);
}

beforeEach(async () => {
  forgetKeySet();
  const res = await (env as unknown as Env).ASSETS.fetch('https://assets.local/intake-keys.json');
  keySet = keySetSchema.parse(await res.json());
});

describe('POST /api/contact, JavaScript path (envelope)', () => {
  it('queues exactly {v,kid,enc,ct} as JSON and answers 202, no-store', async () => {
    const { sent, queue } = recordingQueue();
    const envelope = await validEnvelope();
    const res = await post(JSON.stringify(envelope), 'application/json', freshAddress(), { ...(env as unknown as Env), INTAKE_QUEUE: queue });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(sent).toEqual([{ body: envelope, options: { contentType: 'json' } }]);
    expect(Object.keys(sent[0]!.body as object).sort()).toEqual(['ct', 'enc', 'kid', 'v']);
  });

  it('works with the real queue binding', async () => {
    const res = await post(JSON.stringify(await validEnvelope()), 'application/json', freshAddress());
    expect(res.status).toBe(202);
  });

  const cases: [string, (e: Envelope) => unknown, string][] = [
    ['an extra field', (e) => ({ ...e, ip: '1.2.3.4' }), 'invalid_envelope'],
    ['a missing field', ({ ct: _ct, ...rest }) => rest, 'invalid_envelope'],
    ['version 2', (e) => ({ ...e, v: 2 }), 'invalid_envelope'],
    ['enc one byte short', (e) => ({ ...e, enc: base64urlEncode(new Uint8Array(64)) }), 'invalid_envelope'],
    ['ct one byte long', (e) => ({ ...e, ct: base64urlEncode(new Uint8Array(16_401)) }), 'invalid_envelope'],
    ['ct with padding characters', (e) => ({ ...e, ct: e.ct + '==' }), 'invalid_envelope'],
    ['a kid that is not published', (e) => ({ ...e, kid: base64urlEncode(new Uint8Array(16)) }), 'unknown_kid'],
    ['an array', () => [], 'invalid_envelope'],
    ['null', () => null, 'invalid_envelope'],
  ];
  it.each(cases)('refuses %s with a stable code and queues nothing', async (_name, mutate, code) => {
    const { sent, queue } = recordingQueue();
    const body = JSON.stringify(mutate(await validEnvelope()));
    const res = await post(body, 'application/json', freshAddress(), { ...(env as unknown as Env), INTAKE_QUEUE: queue });
    expect(res.status).toBe(contactErrorStatus[code as keyof typeof contactErrorStatus]);
    expect(await res.json<object>()).toMatchObject({ error: code });
    expect(sent).toEqual([]);
  });

  it('refuses a body that is not JSON', async () => {
    const res = await post('{"v":1,', 'application/json', freshAddress());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_json' });
  });

  it('refuses other content types with 415', async () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml', '']) {
      const res = await post('x', type, freshAddress());
      expect(res.status, type).toBe(415);
      expect(await res.json()).toEqual({ error: 'unsupported_media_type' });
    }
  });

  it('refuses a body over the limit with 413, before reading it all', async () => {
    const { sent, queue } = recordingQueue();
    const huge = JSON.stringify({ v: 1, kid: 'x', enc: 'x', ct: 'A'.repeat(MAX_BODY_BYTES) });
    const res = await post(huge, 'application/json', freshAddress(), { ...(env as unknown as Env), INTAKE_QUEUE: queue });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: 'body_too_large' });
    expect(sent).toEqual([]);
  });

  it('answers other methods with 405', async () => {
    const res = await app.request('/api/contact', { method: 'GET' }, env);
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ error: 'method_not_allowed' });
  });

  it('rate limits one address (10 a minute), and not another', async () => {
    const ip = freshAddress();
    const envelope = JSON.stringify(await validEnvelope());
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post(envelope, 'application/json', ip)).status);
    expect(statuses.slice(0, 10).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const limited = await post(envelope, 'application/json', ip);
    expect(await limited.json()).toEqual({ error: 'rate_limited' });
    expect((await post(envelope, 'application/json', freshAddress())).status).toBe(202);
  });

  it('answers 503 queue_unavailable when the queue refuses: nothing half-sent', async () => {
    const { sent, queue } = recordingQueue(true);
    const res = await post(JSON.stringify(await validEnvelope()), 'application/json', freshAddress(), {
      ...(env as unknown as Env),
      INTAKE_QUEUE: queue,
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'queue_unavailable' });
    expect(sent).toEqual([]);
  });
});

function formBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return params.toString();
}

describe('POST /api/contact, no-JavaScript path (form)', () => {
  const filled = {
    locale: 'ar',
    role: 'self',
    municipality: 'stockholm',
    needs: ['leave-crime', 'housing'],
    method: 'i-call',
    safeTimes: 'بعد الساعة السادسة',
    language: 'العربية',
    interpreter: 'yes',
    message: 'أريد أن أخرج. <script>alert(1)</script>',
  };

  it('seals and queues the same envelope shape, and answers with the receipt page', async () => {
    const { sent, queue } = recordingQueue();
    const res = await post(formBody(filled), 'application/x-www-form-urlencoded', freshAddress(), {
      ...(env as unknown as Env),
      INTAKE_QUEUE: queue,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<html lang="ar" dir="rtl"');
    const code = /data-receipt-code[^>]*>([^<]+)</.exec(html)?.[1]?.trim();
    expect(code).toMatch(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/);
    expect(sent).toHaveLength(1);
    const queued = sent[0]!.body as Envelope;
    expect(Object.keys(queued).sort()).toEqual(['ct', 'enc', 'kid', 'v']);
    // No plaintext beside the ciphertext.
    expect(JSON.stringify(queued)).not.toContain('أريد');
  });

  it('a wrong answer comes back with every answer kept and the error beside the field', async () => {
    const { sent, queue } = recordingQueue();
    const res = await post(
      formBody({ ...filled, method: 'call', phone: 'ring mig' }),
      'application/x-www-form-urlencoded',
      freshAddress(),
      { ...(env as unknown as Env), INTAKE_QUEUE: queue },
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(sent).toEqual([]);
    expect(html).toContain('value="ring mig"');
    expect(html).toContain('value="بعد الساعة السادسة"');
    expect(html).toMatch(/<textarea[^>]*name="message"[^>]*>أريد أن أخرج. &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/textarea>/);
    expect(html).toMatch(/value="leave-crime"[^>]*checked|checked[^>]*value="leave-crime"/);
    expect(html).toMatch(/<option value="stockholm" selected/);
    expect(html).toMatch(/data-error-for="phone"[^>]*>[^<]+</);
    expect(html).not.toMatch(/<div class="form-error"[^>]*hidden/);
  });

  it('a municipality no recipient serves is not connected: nothing sent, no default, answers kept, said plainly', async () => {
    for (const municipality of ['kiruna', 'unknown']) {
      const { sent, queue } = recordingQueue();
      const res = await post(formBody({ ...filled, municipality }), 'application/x-www-form-urlencoded', freshAddress(), {
        ...(env as unknown as Env),
        INTAKE_QUEUE: queue,
      });
      expect(res.status, municipality).toBe(400);
      expect(sent).toEqual([]);
      const html = await res.text();
      // Said in the summary and beside the municipality field, not as a temporary fault.
      const said = `>${useTranslations('ar')('form.error.notConnected')}<`;
      expect(html.split(said).length - 1).toBeGreaterThanOrEqual(2);
      expect(html).toMatch(/data-error-for="municipality"[^>]*>[^<]+</);
      expect(html).not.toContain(`>${useTranslations('ar')('form.error.unavailable')}<`);
      expect(html).toContain('value="العربية"');
    }
  });

  it('the receipt keeps only the promise of the recipient the request went to', async () => {
    const { queue } = recordingQueue();
    const res = await post(formBody(filled), 'application/x-www-form-urlencoded', freshAddress(), {
      ...(env as unknown as Env),
      INTAKE_QUEUE: queue,
    });
    const html = await res.text();
    expect([...html.matchAll(/data-receipt-promise="([^"]+)"/g)].map((m) => m[1])).toEqual([keySet.keys[0]!.recipient]);
  });

  it('Arabic-Indic digits: a short number comes back in 0-9, "Error:" in the title, the summary focused', async () => {
    const { sent, queue } = recordingQueue();
    const res = await post(
      formBody({ ...filled, method: 'call', phone: '٠٧٠–١٢' }),
      'application/x-www-form-urlencoded',
      freshAddress(),
      { ...(env as unknown as Env), INTAKE_QUEUE: queue },
    );
    expect(res.status).toBe(400);
    expect(sent).toEqual([]);
    const html = await res.text();
    expect(html).toContain('value="070-12"');
    expect(html).toMatch(/<title>خطأ: [^<]+<\/title>/);
    expect(html).toMatch(/<div class="form-error"[^>]*autofocus/);
    // Only the page title says "Error:", not the QR code's SVG title.
    expect(html.match(/خطأ: /g)).toHaveLength(1);
  });

  it('Arabic-Indic digits in a whole number are accepted on the no-JavaScript path', async () => {
    const { sent, queue } = recordingQueue();
    const res = await post(
      formBody({ ...filled, method: 'call', phone: '٠٧٠-١٢٣ ٤٥ ٦٧' }),
      'application/x-www-form-urlencoded',
      freshAddress(),
      { ...(env as unknown as Env), INTAKE_QUEUE: queue },
    );
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(1);
  });

  it('when the queue refuses: 503, the form again with every answer', async () => {
    const { queue } = recordingQueue(true);
    const res = await post(formBody(filled), 'application/x-www-form-urlencoded', freshAddress(), {
      ...(env as unknown as Env),
      INTAKE_QUEUE: queue,
    });
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain('value="العربية"');
    expect(html).toContain('أريد أن أخرج.');
  });
});
