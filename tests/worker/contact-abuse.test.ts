/**
 * Abuse resistance of POST /api/contact (review findings M1, M2, L6, N1):
 * cross-site posts refused, the rate-limit secret required, a sender
 * counted at several widths (address or /64, /24 or /56, /48), the shared
 * per-recipient and total counts as alarms that never lock anyone out,
 * replays accepted and dropped, the no-JS path limited before any work,
 * Retry-After on every 429.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../../functions/app.ts';
import type { Env } from '../../functions/env.ts';
import { pinnedTestEnv } from './pinned-test-env.ts';
import { floodAlarmLines } from '../../functions/flood-alarm.ts';
import { addressPrefix, RATE_LIMIT_PERIOD_SECONDS, senderPrefixes } from '../../functions/rate-limit.ts';
import { sealRequest } from '../../protocol/envelope.ts';
import { keyFingerprint } from '../../protocol/key-fingerprint.ts';
import type { KeySet } from '../../protocol/key-set.ts';
import { createRequest } from '../../protocol/request.ts';
import { sampleAnswers } from '../../tools/dev/sample-request.ts';
import { useTranslations } from '../../src/i18n/translator.ts';

/** The Worker's bindings with a test identity pinned and its statement stored (pinned-test-env.ts). */
let baseEnv: Env;

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
/** An IPv4 address in a /24 of its own (RFC 2544 range), so the /24 count starts at zero too. */
const freshV4 = () => ((counter += 1), `198.19.${counter & 255}.${1 + (counter >> 8)}`);

let keySet: KeySet;
beforeEach(async () => {
  ({ env: baseEnv, keySet } = await pinnedTestEnv(env as unknown as Env));
});

/** A municipality the first key's recipient serves (recipient ids are not municipality ids). */
function servedMunicipality(): string {
  const key = keySet.keys[0]!;
  return keySet.recipients.find((recipient) => recipient.id === key.recipient)!.serves[0]!;
}

async function envelopeJson(message = 'Hej'): Promise<string> {
  return JSON.stringify(
    await sealRequest(createRequest({ ...sampleAnswers(message), municipality: servedMunicipality() }), keySet.keys[0]!),
  );
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const filledForm = (municipality: string) =>
  form({ locale: 'so', role: 'self', municipality, method: 'i-call', message: 'Waan rabaa inaan ka baxo.' });

function post(body: string, type: string, headers: Record<string, string>, testEnv: Env = baseEnv) {
  return app.request('/api/contact', { method: 'POST', body, headers: { 'content-type': type, ...headers } }, testEnv);
}

/** The no-JS path answers 303 to its one-time receipt page: follow it, as a browser does. */
async function followReceipt(res: Response, testEnv: Env = baseEnv): Promise<Response> {
  expect(res.status).toBe(303);
  return app.request(res.headers.get('location')!, {}, testEnv);
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
    const res = await post(
      await envelopeJson(),
      'application/json',
      { 'cf-connecting-ip': freshV4(), ...headers },
      { ...baseEnv, INTAKE_QUEUE: queue },
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'forbidden_origin' });
    expect(sent).toEqual([]);
  });

  it.each(crossSite)("refuses a no-JS form with %s: an empty form and the reason in the person's language", async (_name, headers) => {
    const { sent, queue } = recordingQueue();
    const res = await post(
      filledForm('stockholm'),
      'application/x-www-form-urlencoded',
      { 'cf-connecting-ip': freshV4(), ...headers },
      { ...baseEnv, INTAKE_QUEUE: queue },
    );
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<html lang="so"');
    expect(html).toContain(useTranslations('so')('form.error.crossSite'));
    // Another site's words are not written into the form.
    expect(html).not.toContain('Waan rabaa');
    expect(sent).toEqual([]);
  });

  it("lets the site's own posts through: Sec-Fetch-Site same-origin, its own Origin, or neither header", async () => {
    for (const headers of [{ 'sec-fetch-site': 'same-origin', origin: 'http://localhost' }, { origin: 'http://localhost' }, {}]) {
      const res = await post(await envelopeJson(), 'application/json', { 'cf-connecting-ip': freshV4(), ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(202);
      const page = await post(filledForm('stockholm'), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4(), ...headers });
      expect(page.status, JSON.stringify(headers)).toBe(303);
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
    for (let i = 0; i < 12; i++)
      statuses.push((await post(envelope, 'application/json', { 'cf-connecting-ip': `${prefix}:${i.toString(16)}:0:0:1` })).status);
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
    const res = await post(
      form({ locale: 'sv', method: 'call', phone: 'not a number' }),
      'application/x-www-form-urlencoded',
      { 'cf-connecting-ip': freshV4() },
      {
        ...baseEnv,
        CONTACT_RATE_LIMIT: limiter,
        RECIPIENT_RATE_LIMIT: recipient.limiter,
      },
    );
    expect(res.status).toBe(429);
    expect(recipient.keys).toEqual([]);
  });

  it('an invalid form still counts against the sender', async () => {
    const sender = countingLimiter();
    await post(
      form({ locale: 'sv', method: 'call', phone: 'x' }),
      'application/x-www-form-urlencoded',
      { 'cf-connecting-ip': freshV4() },
      { ...baseEnv, CONTACT_RATE_LIMIT: sender.limiter },
    );
    expect(sender.keys).toHaveLength(1);
  });

  it('counts a sender at every width: an IPv4 /24 and an IPv6 /56 and /48 have budgets of their own', () => {
    expect(senderPrefixes('198.19.7.9')).toEqual([
      { width: 'address', prefix: '198.19.7.9' },
      { width: 'network', prefix: '198.19.7.0/24' },
    ]);
    expect(senderPrefixes('2001:db8:1:2ff:aaaa::1')).toEqual([
      { width: 'address', prefix: '2001:db8:1:2ff::/64' },
      { width: 'network', prefix: '2001:db8:1:200::/56' },
      { width: 'site', prefix: '2001:db8:1::/48' },
    ]);
  });

  it('a sender that takes a fresh /64 for every post is stopped by its /48 (60 a minute)', async () => {
    const envelope = await envelopeJson();
    const site = `2001:db8:${(0x4000 + (counter += 1)).toString(16)}`;
    const statuses: number[] = [];
    // 80 posts, each from its own /64 and spread over the /48's /56s: no /64 or /56 is ever over its limit.
    for (let i = 0; i < 80; i++)
      statuses.push((await post(envelope, 'application/json', { 'cf-connecting-ip': `${site}:${(i * 0x101).toString(16)}::1` })).status);
    expect(statuses.slice(0, 60).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(60).every((s) => s === 429)).toBe(true);
  });

  it('a sender that takes a fresh IPv4 address for every post is stopped by its /24 (30 a minute)', async () => {
    const envelope = await envelopeJson();
    const network = `198.18.${200 + ((counter += 1) % 50)}`;
    const statuses: number[] = [];
    for (let i = 1; i <= 32; i++)
      statuses.push((await post(envelope, 'application/json', { 'cf-connecting-ip': `${network}.${i}` })).status);
    expect(statuses.slice(0, 30).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });
});

describe('floods cannot lock anyone out (N1)', () => {
  it("a flood from four prefixes leaves a fifth sender's request accepted and queued, and raises a content-free alarm", async () => {
    const { sent, queue } = recordingQueue();
    const testEnv = { ...baseEnv, INTAKE_QUEUE: queue };
    const kid = (JSON.parse(await envelopeJson()) as { kid: string }).kid;
    // Four flooders, each a /48 of its own, each sending fresh (valid) envelopes until its own limit
    // refuses it: 4 × 60 = 240 requests to one municipality in a minute, eight times its shared
    // per-recipient count, and over the service's total once the rest of this file is added.
    const statuses: number[] = [];
    for (let flooder = 0; flooder < 4; flooder++) {
      const site = `2001:db8:${(0x5000 + flooder * 16 + ((counter += 1) % 16)).toString(16)}`;
      for (let i = 0; i < 62; i++) {
        statuses.push(
          (
            await post(
              await envelopeJson(`flood ${flooder}.${i}`),
              'application/json',
              { 'cf-connecting-ip': `${site}:${(i * 0x101).toString(16)}::1` },
              testEnv,
            )
          ).status,
        );
      }
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(4 * 2); // each flooder refused by its own /48 only
    expect(sent).toHaveLength(4 * 60);
    // The fifth sender, a genuine person from an address of their own, is accepted and queued.
    const genuine = await envelopeJson('Jag vill ut. Ring mig.');
    const res = await post(genuine, 'application/json', { 'cf-connecting-ip': '2001:db8:9999:1::1' }, testEnv);
    expect(res.status).toBe(202);
    expect(sent.at(-1)).toEqual(JSON.parse(genuine));
    // And the no-JS path too.
    const page = await followReceipt(
      await post(filledForm(servedMunicipality()), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4() }, testEnv),
      testEnv,
    );
    expect(page.status).toBe(200);
    expect(sent).toHaveLength(4 * 60 + 2);
    // The shared count became an alarm: the bucket, the public kid and a count, nothing about a sender.
    const alarms = floodAlarmLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line['bucket'] === 'recipient');
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms[0]).toEqual({
      alarm: 'flood',
      bucket: 'recipient',
      kid,
      over: 1,
      minute: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/),
    });
    expect(floodAlarmLines.join('\n')).not.toMatch(/2001:db8|198\.|flood \d/);
  }, 120_000);

  it('counts per recipient and in total, keyed by kid and by one shared key, and refuses nobody over them', async () => {
    const recipient = countingLimiter(0);
    const total = countingLimiter(0);
    const { sent, queue } = recordingQueue();
    const testEnv = { ...baseEnv, INTAKE_QUEUE: queue, RECIPIENT_RATE_LIMIT: recipient.limiter, TOTAL_RATE_LIMIT: total.limiter };
    const envelope = await envelopeJson();
    expect((await post(envelope, 'application/json', { 'cf-connecting-ip': freshV4() }, testEnv)).status).toBe(202);
    const kid = (JSON.parse(envelope) as { kid: string }).kid;
    expect(recipient.keys).toEqual([`kid:${kid}`]);
    expect(total.keys).toEqual(['all']);
    // The no-JS path counts against the recipient it seals to, and is taken all the same.
    const page = await followReceipt(
      await post(filledForm(servedMunicipality()), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4() }, testEnv),
      testEnv,
    );
    expect(page.status).toBe(200);
    expect(recipient.keys).toHaveLength(2);
    expect(sent).toHaveLength(2);
  });

  it('a replayed envelope is answered as accepted and dropped: one queue write, whoever sends it again', async () => {
    const { sent, queue } = recordingQueue();
    const recipient = countingLimiter();
    const testEnv = { ...baseEnv, INTAKE_QUEUE: queue, RECIPIENT_RATE_LIMIT: recipient.limiter };
    const envelope = await envelopeJson('one request, posted many times');
    for (let i = 0; i < 5; i++) {
      const res = await post(envelope, 'application/json', { 'cf-connecting-ip': freshV4() }, testEnv);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ ok: true });
    }
    expect(sent).toEqual([JSON.parse(envelope)]);
    expect(recipient.keys).toHaveLength(1); // a replay does not even count towards the alarm
    // A different envelope (a fresh seal of the same words) is a new request.
    expect(
      (await post(await envelopeJson('one request, posted many times'), 'application/json', { 'cf-connecting-ip': freshV4() }, testEnv))
        .status,
    ).toBe(202);
    expect(sent).toHaveLength(2);
  });

  it('a replay still counts against its sender', async () => {
    const sender = countingLimiter();
    const envelope = await envelopeJson();
    const ip = freshV4();
    await post(envelope, 'application/json', { 'cf-connecting-ip': ip }, { ...baseEnv, CONTACT_RATE_LIMIT: sender.limiter });
    await post(envelope, 'application/json', { 'cf-connecting-ip': ip }, { ...baseEnv, CONTACT_RATE_LIMIT: sender.limiter });
    expect(sender.keys).toHaveLength(2);
  });
});

describe('pull recipients get their own queue (M6)', () => {
  it("routes a pulling recipient's kid to its own queue at once, and every other kid to the push queue", async () => {
    const push = recordingQueue();
    const own = recordingQueue();
    const envelope = await envelopeJson();
    const kid = (JSON.parse(envelope) as { kid: string }).kid;
    const testEnv = {
      ...baseEnv,
      INTAKE_QUEUE: push.queue,
      PULL_QUEUE_STOCKHOLM: own.queue,
      INTAKE_PULL_QUEUES: JSON.stringify({ [kid]: 'PULL_QUEUE_STOCKHOLM' }),
      RECIPIENT_RATE_LIMIT: countingLimiter().limiter,
    } as Env;
    expect((await post(envelope, 'application/json', { 'cf-connecting-ip': freshV4() }, testEnv)).status).toBe(202);
    expect(own.sent).toHaveLength(1);
    expect(push.sent).toEqual([]);
    // The no-JS path seals to the same kid and lands in the same queue.
    expect(
      (await post(filledForm(servedMunicipality()), 'application/x-www-form-urlencoded', { 'cf-connecting-ip': freshV4() }, testEnv))
        .status,
    ).toBe(303);
    expect(own.sent).toHaveLength(2);
    expect(push.sent).toEqual([]);
    // Another routing table: this kid is not pulled, so it is pushed.
    const pushed = { ...testEnv, INTAKE_PULL_QUEUES: JSON.stringify({ other: 'PULL_QUEUE_STOCKHOLM' }) } as Env;
    expect((await post(await envelopeJson(), 'application/json', { 'cf-connecting-ip': freshV4() }, pushed)).status).toBe(202);
    expect(push.sent).toHaveLength(1);
    expect(own.sent).toHaveLength(2);
  });

  it('a kid routed to a queue the Worker lacks, or a broken table, is refused (503), never sent to the push queue', async () => {
    const push = recordingQueue();
    const envelope = await envelopeJson();
    const kid = (JSON.parse(envelope) as { kid: string }).kid;
    for (const table of [JSON.stringify({ [kid]: 'PULL_QUEUE_NOWHERE' }), JSON.stringify({ [kid]: 'INTAKE_QUEUE_X' }), '{not json']) {
      const testEnv = {
        ...baseEnv,
        INTAKE_QUEUE: push.queue,
        INTAKE_PULL_QUEUES: table,
        RECIPIENT_RATE_LIMIT: countingLimiter().limiter,
      } as Env;
      const res = await post(envelope, 'application/json', { 'cf-connecting-ip': freshV4() }, testEnv);
      expect(res.status, table).toBe(503);
      expect(await res.json()).toEqual({ error: 'queue_unavailable' });
    }
    expect(push.sent).toEqual([]);
  });
});

describe("the recipient key's fingerprint (H1)", () => {
  it('the no-JS receipt shows the 80-bit fingerprint of the key the Worker sealed to (N13)', async () => {
    const { sent, queue } = recordingQueue();
    const res = await followReceipt(
      await post(
        filledForm(servedMunicipality()),
        'application/x-www-form-urlencoded',
        { 'cf-connecting-ip': freshV4() },
        { ...baseEnv, INTAKE_QUEUE: queue, RECIPIENT_RATE_LIMIT: countingLimiter().limiter },
      ),
    );
    expect(res.status).toBe(200);
    const kid = (sent[0] as { kid: string }).kid;
    const html = await res.text();
    const line = /<p[^>]*data-receipt-key[^>]*>.*?<\/p>/s.exec(html)?.[0] ?? '';
    expect(line).not.toContain('hidden');
    expect(line).toContain(`<code dir="ltr" data-fingerprint>${keyFingerprint(kid)}</code>`);
    expect(keyFingerprint(kid)).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
  });
});
