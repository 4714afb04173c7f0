import { env as workerEnv } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../../functions/app.ts';
import type { Env } from '../../functions/env.ts';
import { contactErrorStatus } from '../../functions/contact-errors.ts';
import { pinnedTestEnv } from './pinned-test-env.ts';
import { forgetKeySet, statementKey } from '../../functions/intake-keys.ts';
import type { KeyStatement } from '../../protocol/key-statement.ts';
import { MAX_BODY_BYTES } from '../../functions/routes/contact.ts';
import { sealRequest, base64urlEncode, type Envelope } from '../../protocol/envelope.ts';
import type { KeySet } from '../../protocol/key-set.ts';
import { useTranslations } from '../../src/i18n/translator.ts';
import { createRequest, type ContactRequestInput } from '../../protocol/request.ts';
import { MESSAGE_MAX_LENGTH } from '../../protocol/limits.ts';
import { sampleAnswers } from '../../tools/dev/sample-request.ts';

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
/**
 * Every test gets its own address in a /24 of its own, so the rate
 * limiter's counts (address and /24) start at zero (RFC 2544 range).
 */
function freshAddress(): string {
  address += 1;
  return `198.18.${address}.1`;
}

/** The no-JS path answers 303 to its one-time receipt page: follow it, as a browser does. */
async function receiptOf(res: Response): Promise<Response> {
  expect(res.status).toBe(303);
  return app.request(res.headers.get('location')!, {}, env);
}

function post(body: BodyInit, contentType: string, ip: string, testEnv: Env = env) {
  return app.request('/api/contact', { method: 'POST', body, headers: { 'content-type': contentType, 'cf-connecting-ip': ip } }, testEnv);
}

const answers: ContactRequestInput = sampleAnswers('ወደይ ካብ ጉጅለ ክወጽእ ይደሊ። ሓገዝ የድልየና።', {
  locale: 'ti',
  role: 'relative',
  needs: ['safety', 'family'],
  contact: { method: 'call', phone: '070-123 45 67', safeTimes: 'ድሕሪ ሰዓት 6', voicemailOk: false, mayNameSocialServices: true },
  language: 'ትግርኛ',
  interpreter: true,
});

let keySet: KeySet;
async function validEnvelope(): Promise<Envelope> {
  const key = keySet.keys.find((k) => keySet.recipients.find((r) => r.id === k.recipient)?.serves.includes('stockholm'))!;
  return sealRequest(createRequest(answers), key);
}

/** The Worker's bindings with a test identity pinned and its statement stored (pinned-test-env.ts). */
let env: Env;
beforeEach(async () => {
  ({ env, keySet } = await pinnedTestEnv(workerEnv as unknown as Env));
});

describe('POST /api/contact, JavaScript path (envelope)', () => {
  it('queues exactly {v,kid,enc,ct} as JSON and answers 202, no-store', async () => {
    const { sent, queue } = recordingQueue();
    const envelope = await validEnvelope();
    const res = await post(JSON.stringify(envelope), 'application/json', freshAddress(), {
      ...env,
      INTAKE_QUEUE: queue,
    });
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
    const res = await post(body, 'application/json', freshAddress(), { ...env, INTAKE_QUEUE: queue });
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
    const res = await post(huge, 'application/json', freshAddress(), { ...env, INTAKE_QUEUE: queue });
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
      ...env,
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

/** Posts the no-JavaScript form with a recording queue: the answer's status and page, and what was queued. */
async function postForm(fields: Record<string, string | string[]>, refuse = false) {
  const { sent, queue } = recordingQueue(refuse);
  const res = await post(formBody(fields), 'application/x-www-form-urlencoded', freshAddress(), {
    ...env,
    INTAKE_QUEUE: queue,
  });
  return { status: res.status, html: await res.text(), sent };
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
    const res = await receiptOf(
      await post(formBody(filled), 'application/x-www-form-urlencoded', freshAddress(), {
        ...env,
        INTAKE_QUEUE: queue,
      }),
    );
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
      { ...env, INTAKE_QUEUE: queue },
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

  it('a municipality no recipient serves is not connected: nothing sent, no default, answers kept, said plainly and once', async () => {
    const t = useTranslations('ar');
    for (const [municipality, key] of [
      ['kiruna', 'form.error.notConnected'],
      ['unknown', 'form.error.chooseMunicipality'],
    ] as const) {
      const { status, html, sent } = await postForm({ ...filled, municipality });
      expect(status, municipality).toBe(400);
      expect(sent).toEqual([]);
      // Said once, in the summary, not as a temporary fault; the field is marked.
      expect(html.split(`>${t(key)}<`).length - 1, municipality).toBe(1);
      expect(html).toMatch(
        /<select[^>]*name="municipality"[^>]*aria-invalid="true"|<select[^>]*aria-invalid="true"[^>]*name="municipality"/,
      );
      expect(html).not.toContain(`>${t('form.error.unavailable')}<`);
      expect(html).toContain('value="العربية"');
    }
  });

  it('an empty form says what is missing (where you live), not "the municipality you chose", and says it once', async () => {
    const { status, html, sent } = await postForm({ locale: 'sv', municipality: 'unknown', method: 'i-call' });
    expect(status).toBe(400);
    expect(sent).toEqual([]);
    const t = useTranslations('sv');
    expect(html.split(`>${t('form.error.chooseMunicipality')}<`).length - 1).toBe(1);
    // Only the script's copy (a data attribute) holds the not-connected text; the page does not say it.
    expect(html).not.toContain(`>${t('form.error.notConnected')}<`);
  });

  it('a text over the limit says the limit and how long the text is; the counter says none are left', async () => {
    const { status, html, sent } = await postForm({ ...filled, locale: 'sv', message: 'a'.repeat(MESSAGE_MAX_LENGTH + 312) });
    expect(status).toBe(400);
    expect(sent).toEqual([]);
    const t = useTranslations('sv');
    const said = t('form.error.messageTooLong', { max: MESSAGE_MAX_LENGTH, count: MESSAGE_MAX_LENGTH + 312 });
    expect(said).toContain(String(MESSAGE_MAX_LENGTH));
    expect(html).toMatch(new RegExp(`data-error-for="message"[^>]*>${said}<`));
    expect(html).not.toContain(`>${t('form.error.text')}<`);
    expect(html).toMatch(new RegExp(`data-message-count-output[^>]*>${t('form.message.count', { count: 0, max: MESSAGE_MAX_LENGTH })}<`));
  });

  it('the counter counts what came back without JavaScript', async () => {
    const { html } = await postForm({ ...filled, locale: 'sv', message: 'hej hej' }, true);
    const t = useTranslations('sv');
    expect(html).toMatch(
      new RegExp(`data-message-count-output[^>]*>${t('form.message.count', { count: MESSAGE_MAX_LENGTH - 7, max: MESSAGE_MAX_LENGTH })}<`),
    );
  });

  it('a form body over the size limit gets the form page with the limit in its language, never raw JSON', async () => {
    const { sent, queue } = recordingQueue();
    const huge = formBody({ locale: 'so', municipality: 'stockholm', method: 'i-call', message: 'x'.repeat(MAX_BODY_BYTES) });
    // A browser sends a form with its length; the first field names the language.
    const res = await app.request(
      '/api/contact',
      {
        method: 'POST',
        body: huge,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(huge.length),
          'cf-connecting-ip': freshAddress(),
        },
      },
      { ...env, INTAKE_QUEUE: queue },
    );
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<html lang="so"');
    expect(html).toContain(useTranslations('so')('form.error.bodyTooLarge', { max: MESSAGE_MAX_LENGTH }));
    expect(html).not.toContain('body_too_large');
    expect(sent).toEqual([]);
    // Sent in chunks without a length, the size check has read it: the form page in Swedish, still not JSON.
    const chunked = await post(huge, 'application/x-www-form-urlencoded', freshAddress(), {
      ...env,
      INTAKE_QUEUE: queue,
    });
    expect(chunked.status).toBe(413);
    expect(await chunked.text()).toContain(useTranslations('sv')('form.error.bodyTooLarge', { max: MESSAGE_MAX_LENGTH }));
    expect(sent).toEqual([]);
  });

  it('the receipt keeps only the promise of the recipient the request went to', async () => {
    const { queue } = recordingQueue();
    const res = await receiptOf(
      await post(formBody(filled), 'application/x-www-form-urlencoded', freshAddress(), {
        ...env,
        INTAKE_QUEUE: queue,
      }),
    );
    const html = await res.text();
    expect([...html.matchAll(/data-receipt-promise="([^"]+)"/g)].map((m) => m[1])).toEqual([keySet.keys[0]!.recipient]);
  });

  it('Arabic-Indic digits: a short number comes back in 0-9, "Error:" in the title, the summary focused', async () => {
    const { sent, queue } = recordingQueue();
    const res = await post(formBody({ ...filled, method: 'call', phone: '٠٧٠–١٢' }), 'application/x-www-form-urlencoded', freshAddress(), {
      ...env,
      INTAKE_QUEUE: queue,
    });
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
      { ...env, INTAKE_QUEUE: queue },
    );
    expect(res.status).toBe(303);
    expect(sent).toHaveLength(1);
  });

  it('post-redirect-get: 303 to a one-time receipt page; asked for again it says only that it is no longer shown (N4)', async () => {
    const { sent, queue } = recordingQueue();
    const res = await post(formBody(filled), 'application/x-www-form-urlencoded', freshAddress(), {
      ...env,
      INTAKE_QUEUE: queue,
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/api\/contact\/receipt\/[A-Za-z0-9_-]+$/);
    const first = await app.request(location, {}, env);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    // Nothing can wipe the form page left behind without JavaScript: the browser's cache, back/forward cache included, is emptied.
    expect(first.headers.get('clear-site-data')).toBe('"cache"');
    const code = /data-receipt-code[^>]*>([^<]+)</.exec(await first.text())?.[1]?.trim() ?? '';
    expect(code).toMatch(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/);
    // The code is not readable in the URL, in any form.
    expect(location).not.toContain(code.replace(/ /g, ''));
    // Back or reload: the same GET, never the POST again; the page is spent.
    for (let i = 0; i < 2; i++) {
      const again = await app.request(location, {}, env);
      expect(again.status).toBe(410);
      expect(again.headers.get('cache-control')).toBe('no-store');
      const html = await again.text();
      expect(html).toContain('<html lang="ar" dir="rtl"');
      expect(html).toContain(useTranslations('ar')('noJsReceipt.spent'));
      expect(html).not.toMatch(/data-receipt-code/);
      expect(html.replace(/\D/g, '')).not.toContain(code.replace(/ /g, ''));
    }
    expect(sent).toHaveLength(1);
    // A token that is not the Worker's: the same spent page, nothing else.
    const forged = await app.request('/api/contact/receipt/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', {}, env);
    expect(forged.status).toBe(410);
    expect(await forged.text()).toContain(useTranslations('sv')('noJsReceipt.spent'));
  });

  it('when the queue refuses: 503, the form again with every answer', async () => {
    const { queue } = recordingQueue(true);
    const res = await post(formBody(filled), 'application/x-www-form-urlencoded', freshAddress(), {
      ...env,
      INTAKE_QUEUE: queue,
    });
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain('value="العربية"');
    expect(html).toContain('أريد أن أخرج.');
  });

  for (const [what, statement] of [
    ['missing', () => null],
    ['forged', (s: KeyStatement) => ({ ...s, issued: new Date(Date.parse(s.issued) + 1000).toISOString() })],
  ] as const) {
    it(`seals nothing to a pinned recipient whose statement is ${what}: 503, the form again with the reason`, async () => {
      const key = statementKey('stockholm-development');
      const stored = await env.KEY_STATEMENTS.get<KeyStatement>(key, 'json');
      const replaced = statement(stored!);
      if (replaced) await env.KEY_STATEMENTS.put(key, JSON.stringify(replaced));
      else await env.KEY_STATEMENTS.delete(key);
      forgetKeySet();
      const { status, html, sent } = await postForm(filled);
      expect(status).toBe(503);
      expect(html).toContain(useTranslations('ar')('form.error.keyRefused'));
      expect(html).toContain('أريد أن أخرج.');
      expect(sent).toEqual([]);
    });
  }
});
