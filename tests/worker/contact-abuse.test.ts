/**
 * Abuse resistance of POST /api/contact (review findings M1, M2, L6):
 * cross-site posts refused, the rate-limit secret required, IPv6 counted
 * per /64, limits per recipient and in total, the no-JS path limited
 * before any work, Retry-After on every 429.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../../functions/app.ts';
import type { Env } from '../../functions/env.ts';
import { forgetKeySet } from '../../functions/intake-keys.ts';
import { addressPrefix, RATE_LIMIT_PERIOD_SECONDS } from '../../functions/rate-limit.ts';
import { sealRequest } from '../../protocol/envelope.ts';
import { keySetSchema, type KeySet } from '../../protocol/key-set.ts';
import { createRequest } from '../../protocol/request.ts';
import { sampleAnswers } from '../../tools/dev/sample-request.ts';
import { useTranslations } from '../../src/i18n/translator.ts';

const baseEnv = env as unknown as Env;

function recordingQueue() {
  const sent: unknown[] = [];
  const queue = { send: async (body: unknown) => void sent.push(body), sendBatch: async () => undefined } as unknown as Queue<unknown>;
  return { sent, queue };
}

/** A limiter that counts calls and says yes `allow` times. */
function countingLimiter(allow = Infinity) {
  const keys: string[] = [];
  const limiter = { limit: async ({ key }: { key: string }) => (keys.push(key), { success: keys.length <= allow }) };
  return { keys, limiter };
}

let counter = 0;
const freshV4 = () => `198.51.100.${(counter += 1)}`;

let keySet: KeySet;
beforeEach(async () => {
  forgetKeySet();
  keySet = keySetSchema.parse(await (await baseEnv.ASSETS.fetch('https://assets.local/intake-keys.json')).json());
});

/** A municipality the first key's recipient serves (recipient ids are not municipality ids). */
function servedMunicipality(): string {
  const key = keySet.keys[0]!;
  return keySet.recipients.find((recipient) => recipient.id === key.recipient)!.serves[0]!;
}

async function envelopeJson(): Promise<string> {
  return JSON.stringify(await sealRequest(createRequest({ ...sampleAnswers('Hej'), municipality: servedMunicipality() }), keySet.keys[0]!));
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const filledForm = (municipality: string) => form({ locale: 'so', role: 'self', municipality, method: 'i-call', message: 'Waan rabaa inaan ka baxo.' });

function post(body: string, type: string, headers: Record<string, string>, testEnv: Env = baseEnv) {
  return app.request('/api/contact', { method: 'POST', body, headers: { 'content-type': type, ...headers } }, testEnv);
}

describe('cross-site posts (M1)', () => {
  const crossSite: [string, Record<string, string>][] = [
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site: none', { 'sec-fetch-site': 'none' }],
    ['a foreign Origin, no Sec-Fetch-Site', { origin: 'https://evil.example' }],
    ['Origin: null (sandboxed frame), no Sec-Fetch-Site', { origin: 'null' }],
    ['a same-origin Origin but Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site', origin: 'http://localhost' }],
  ];

  it.each(crossSite)('refuses a JSON post with %s: 403 forbidden_origin, nothing queued', async (_name, headers) => {
    const { sent, queue } = recordingQueue();
    const res = await post(await envelopeJson(), 'application/json', { 'cf-connecting-ip': freshV4(), ...headers }, { ...baseEnv, INTAKE_QUEUE: queue });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'forbidden_origin' });
    expect(sent).toEqual([]);
  });

  it.each(crossSite)('refuses a no-JS form with %s: an empty form and the reason in the person\'s language', async (_name, headers) => {
    const { sent, queue } = recordingQueue();
    const res = await post(filledForm('stockholm'), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4(), ...headers }, { ...baseEnv, INTAKE_QUEUE: queue });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<html lang="so"');
    expect(html).toContain(useTranslations('so')('form.error.crossSite'));
    // Another site's words are not written into the form.
    expect(html).not.toContain('Waan rabaa');
    expect(sent).toEqual([]);
  });

  it('lets the site\'s own posts through: Sec-Fetch-Site same-origin, its own Origin, or neither header', async () => {
    for (const headers of [{ 'sec-fetch-site': 'same-origin', origin: 'http://localhost' }, { origin: 'http://localhost' }, {}]) {
      const res = await post(await envelopeJson(), 'application/json', { 'cf-connecting-ip': freshV4(), ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(202);
      const page = await post(filledForm('stockholm'), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4(), ...headers });
      expect(page.status, JSON.stringify(headers)).toBe(200);
    }
  });
});

describe('rate limits that hold (M2)', () => {
  it('refuses every request while RATE_LIMIT_SECRET is missing or short: 503 not_configured', async () => {
    for (const secret of [undefined, '', 'too-short']) {
      const { sent, queue } = recordingQueue();
      const testEnv = { ...baseEnv, INTAKE_QUEUE: queue, RATE_LIMIT_SECRET: secret } as Env;
      const res = await post(await envelopeJson(), 'application/json', { 'cf-connecting-ip': freshV4() }, testEnv);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'not_configured' });
      const page = await post(filledForm('stockholm'), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4() }, testEnv);
      expect(page.status).toBe(503);
      expect(sent).toEqual([]);
    }
  });

  it('counts an IPv6 address by its /64', () => {
    expect(addressPrefix('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressPrefix('2001:DB8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressPrefix('2001:0db8:0001:0002:ffff::')).toBe('2001:db8:1:2::/64');
    expect(addressPrefix('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressPrefix('::ffff:192.0.2.1')).toBe('0:0:0:0::/64');
    expect(addressPrefix('192.0.2.7')).toBe('192.0.2.7');
  });

  it('one /64 shares one budget of 10 a minute, whatever the last 64 bits', async () => {
    const envelope = await envelopeJson();
    const prefix = `2001:db8:${(counter += 1).toString(16)}:7`;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post(envelope, 'application/json', { 'cf-connecting-ip': `${prefix}:${i.toString(16)}:0:0:1` })).status);
    expect(statuses.slice(0, 10).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // The neighbouring /64 is someone else.
    expect((await post(envelope, 'application/json', { 'cf-connecting-ip': `2001:db8:${counter.toString(16)}:8::1` })).status).toBe(202);
  });

  it('429 carries Retry-After, on the JSON path and on the no-JS path', async () => {
    const { limiter } = countingLimiter(0);
    const testEnv = { ...baseEnv, CONTACT_RATE_LIMIT: limiter };
    const res = await post(await envelopeJson(), 'application/json', { 'cf-connecting-ip': freshV4() }, testEnv);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe(String(RATE_LIMIT_PERIOD_SECONDS));
    const page = await post(filledForm('stockholm'), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4() }, testEnv);
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toBe(String(RATE_LIMIT_PERIOD_SECONDS));
    expect(await page.text()).toContain('Waan rabaa'); // the answers are kept
  });

  it('the no-JS path is limited before any work: an invalid form from a limited sender gets 429, not the form check', async () => {
    const { limiter } = countingLimiter(0);
    const recipient = countingLimiter();
    const res = await post(form({ locale: 'sv', method: 'call', phone: 'not a number' }), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4() }, {
      ...baseEnv,
      CONTACT_RATE_LIMIT: limiter,
      RECIPIENT_RATE_LIMIT: recipient.limiter,
    });
    expect(res.status).toBe(429);
    expect(recipient.keys).toEqual([]);
  });

  it('an invalid form still counts against the sender', async () => {
    const sender = countingLimiter();
    await post(form({ locale: 'sv', method: 'call', phone: 'x' }), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4() }, { ...baseEnv, CONTACT_RATE_LIMIT: sender.limiter });
    expect(sender.keys).toHaveLength(1);
  });

  it('limits per recipient key: from many addresses, one kid gets 30 a minute', async () => {
    const envelope = await envelopeJson();
    const statuses: number[] = [];
    // Other tests in this file have used some of this kid's minute already.
    for (let i = 0; i < 32; i++) statuses.push((await post(envelope, 'application/json', { 'cf-connecting-ip': freshV4() })).status);
    const firstRefusal = statuses.indexOf(429);
    expect(firstRefusal).toBeGreaterThan(0);
    expect(firstRefusal).toBeLessThanOrEqual(30);
    expect(statuses.slice(0, firstRefusal).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(firstRefusal).every((s) => s === 429)).toBe(true);
  });

  it('limits per recipient and in total, keyed by kid and by one shared key', async () => {
    const recipient = countingLimiter();
    const total = countingLimiter(1);
    const testEnv = { ...baseEnv, RECIPIENT_RATE_LIMIT: recipient.limiter, TOTAL_RATE_LIMIT: total.limiter };
    const envelope = await envelopeJson();
    expect((await post(envelope, 'application/json', { 'cf-connecting-ip': freshV4() }, testEnv)).status).toBe(202);
    const refused = await post(envelope, 'application/json', { 'cf-connecting-ip': freshV4() }, testEnv);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String(RATE_LIMIT_PERIOD_SECONDS));
    const kid = (JSON.parse(envelope) as { kid: string }).kid;
    expect(recipient.keys).toEqual([`kid:${kid}`, `kid:${kid}`]);
    expect(total.keys).toEqual(['all', 'all']);
    // The no-JS path counts against the recipient it seals to.
    const page = await post(filledForm(servedMunicipality()), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4() }, testEnv);
    expect(page.status).toBe(429);
    expect(recipient.keys).toHaveLength(3);
  });
});

describe('pull recipients get their own queue (M6)', () => {
  it('routes a pulling recipient\'s kid to its own queue at once, and every other kid to the push queue', async () => {
    const push = recordingQueue();
    const own = recordingQueue();
    const envelope = await envelopeJson();
    const kid = (JSON.parse(envelope) as { kid: string }).kid;
    const testEnv = { ...baseEnv, INTAKE_QUEUE: push.queue, PULL_QUEUE_STOCKHOLM: own.queue, INTAKE_PULL_QUEUES: JSON.stringify({ [kid]: 'PULL_QUEUE_STOCKHOLM' }), RECIPIENT_RATE_LIMIT: countingLimiter().limiter } as Env;
    expect((await post(envelope, 'application/json', { 'cf-connecting-ip': freshV4() }, testEnv)).status).toBe(202);
    expect(own.sent).toHaveLength(1);
    expect(push.sent).toEqual([]);
    // The no-JS path seals to the same kid and lands in the same queue.
    expect((await post(filledForm(servedMunicipality()), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4() }, testEnv)).status).toBe(200);
    expect(own.sent).toHaveLength(2);
    expect(push.sent).toEqual([]);
    // Another routing table: this kid is not pulled, so it is pushed.
    const pushed = { ...testEnv, INTAKE_PULL_QUEUES: JSON.stringify({ other: 'PULL_QUEUE_STOCKHOLM' }) } as Env;
    expect((await post(envelope, 'application/json', { 'cf-connecting-ip': freshV4() }, pushed)).status).toBe(202);
    expect(push.sent).toHaveLength(1);
    expect(own.sent).toHaveLength(2);
  });

  it('a kid routed to a queue the Worker lacks, or a broken table, is refused (503), never sent to the push queue', async () => {
    const push = recordingQueue();
    const envelope = await envelopeJson();
    const kid = (JSON.parse(envelope) as { kid: string }).kid;
    for (const table of [JSON.stringify({ [kid]: 'PULL_QUEUE_NOWHERE' }), JSON.stringify({ [kid]: 'INTAKE_QUEUE_X' }), '{not json']) {
      const testEnv = { ...baseEnv, INTAKE_QUEUE: push.queue, INTAKE_PULL_QUEUES: table, RECIPIENT_RATE_LIMIT: countingLimiter().limiter } as Env;
      const res = await post(envelope, 'application/json', { 'cf-connecting-ip': freshV4() }, testEnv);
      expect(res.status, table).toBe(503);
      expect(await res.json()).toEqual({ error: 'queue_unavailable' });
    }
    expect(push.sent).toEqual([]);
  });
});

describe('the recipient key\'s fingerprint (H1)', () => {
  it('the no-JS receipt shows the short fingerprint of the key the Worker sealed to', async () => {
    const { sent, queue } = recordingQueue();
    const res = await post(filledForm(servedMunicipality()), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4() }, { ...baseEnv, INTAKE_QUEUE: queue, RECIPIENT_RATE_LIMIT: countingLimiter().limiter });
    expect(res.status).toBe(200);
    const kid = (sent[0] as { kid: string }).kid;
    const html = await res.text();
    const line = /<p[^>]*data-receipt-key[^>]*>.*?<\/p>/s.exec(html)?.[0] ?? '';
    expect(line).not.toContain('hidden');
    expect(line).toContain(`<code dir="ltr" data-fingerprint>${kid.slice(0, 4)}-${kid.slice(4, 8)}</code>`);
  });
});
