/**
 * Fuzzing the way back's endpoints (issue 14) on the real Worker under
 * wrangler dev, seeded like fuzz-cases.ts:
 *
 *   POST /api/reply/lookup, POST /api/reply/delete: random bytes, wrong
 *   content types and methods, odd JSON, mailbox ids one character or byte
 *   off, padded, standard alphabet, non-canonical, unicode, extra fields,
 *   bodies over the limit, and valid random mailboxes.
 *   POST /api/reply: real signed posts with one defect (no or garbage
 *   signature, a key that is not published claiming a published kid, a field
 *   changed after signing, stale or future `sent`, wrong lengths, over the
 *   limit).
 *
 * Properties: never a hang; never a 5xx but 503 `unavailable`; an error is
 * JSON {"error"} with a code and status from functions/reply-errors.ts and
 * Cache-Control: no-store; every 200 look-up has exactly the same length;
 * POST /api/reply never answers 2xx to a hostile case; afterwards a control
 * reply signed by the test intake is stored and found (count 1), so "nothing
 * stored" above means something.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replyErrorStatus } from '../../functions/reply-errors.ts';
import { base64urlEncode, generateRecipientKeyPair, type PrivateKeyJwk } from '../../protocol/envelope.ts';
import { replyKeysFromMaster } from '../../protocol/reply-keys.ts';
import { importReplySenderKey, lookupResponseSchema, sealReply, type ReplyMessage, type SealedReply } from '../../protocol/reply.ts';
import { REPLY_CT_SIZE } from '../../protocol/limits.ts';
import { REPLY_SIGNATURE_HEADER, replyPostBody, signReplyPost } from '../../protocol/reply-post.ts';
import { Rng } from './fuzz-cases.ts';
import { sendHttp, type Failure, type FuzzWorker, type Outcome, type RunSummary } from './fuzz-run.ts';

type Target = 'lookup' | 'delete' | 'post';

interface ReplyCase {
  index: number;
  target: Target;
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

const enc = new TextEncoder();
const b64 = (rng: Rng, n: number) => base64urlEncode(rng.bytes(n));

/** A mailbox-like string with one defect, or (kind 'valid') a random real-shaped one. */
function mailboxVariant(rng: Rng): { kind: string; value: unknown } {
  const good = b64(rng, 16);
  const variants: [string, () => unknown][] = [
    // Valid ids three times as often: each must get the same 200 look-up.
    ['valid', () => good],
    ['valid', () => good],
    ['valid', () => good],
    ['short', () => good.slice(0, 21)],
    ['long', () => good + 'A'],
    ['17 bytes', () => b64(rng, 17)],
    ['padded', () => `${good}==`],
    ['standard alphabet', () => good.slice(0, 10) + '+/' + good.slice(12)],
    ['non-canonical last', () => good.slice(0, 21) + 'B'],
    ['rtl mark', () => `\u200F${good.slice(1)}`],
    ['full-width', () => good.slice(0, 21) + 'Ａ'],
    ['number', () => 1234567890],
    ['null', () => null],
    ['array', () => [good]],
    ['huge', () => 'A'.repeat(rng.range(1000, 70_000))],
    ['lone surrogate', () => good.slice(0, 21) + '\uD800'],
  ];
  const [kind, make] = rng.pick(variants);
  return { kind, value: make() };
}

function readerCase(rng: Rng, index: number, target: 'lookup' | 'delete'): ReplyCase {
  const path = `/api/reply/${target}`;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cf-connecting-ip': `2001:db8:f::${index.toString(16)}` };
  const roll = rng.int(10);
  if (roll === 0) return { index, target, kind: 'random bytes', method: 'POST', path, headers, body: rng.bytes(rng.range(0, 2000)) };
  if (roll === 1) {
    const type = rng.pick([
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
      'application/json; charset=utf-16',
    ]);
    return {
      index,
      target,
      kind: `content type "${type}"`,
      method: 'POST',
      path,
      headers: { ...headers, 'content-type': type },
      body: enc.encode(JSON.stringify({ v: 1, mailbox: b64(rng, 16) })),
    };
  }
  if (roll === 2)
    return {
      index,
      target,
      kind: 'other method',
      method: rng.pick(['GET', 'PUT', 'DELETE', 'PATCH']),
      path,
      headers,
      body: new Uint8Array(0),
    };
  if (roll === 3) {
    const odd = rng.pick([
      '{"v":1,"mailbox":',
      '[]',
      'null',
      '1e309',
      '{"__proto__":{"v":1}}',
      '{"v":1,"mailbox":"AAAAAAAAAAAAAAAAAAAAAA"} trailing',
      '{"v":"1","mailbox":"AAAAAAAAAAAAAAAAAAAAAA"}',
    ]);
    return { index, target, kind: 'odd JSON', method: 'POST', path, headers, body: enc.encode(odd) };
  }
  const mailbox = mailboxVariant(rng);
  const body: Record<string, unknown> = { v: rng.chance(0.9) ? 1 : rng.pick([2, 0, '1']), mailbox: mailbox.value };
  if (target === 'delete') body.id = rng.chance(0.8) ? b64(rng, 16) : b64(rng, rng.range(0, 20));
  if (rng.chance(0.1)) body.extra = 'x';
  return { index, target, kind: `mailbox ${mailbox.kind}`, method: 'POST', path, headers, body: enc.encode(JSON.stringify(body)) };
}

/** Makes a signed post with one defect. */
async function postCase(rng: Rng, index: number, tools: PostTools): Promise<ReplyCase> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const mailbox = b64(rng, 16);
  const reply: SealedReply = { ...tools.sealed };
  const now = Math.floor(Date.now() / 1000);
  const post = { v: 1 as const, mailbox, sent: now, reply };
  const defects: [string, () => Promise<string>][] = [
    ['no signature', async () => replyPostBody(post)],
    [
      'garbage signature',
      async () => {
        headers[REPLY_SIGNATURE_HEADER] = rng.pick([
          'v1=',
          'v2=' + b64(rng, 64),
          'v1=' + b64(rng, 64),
          'v1=' + b64(rng, 63),
          b64(rng, 64),
          'v1=' + '='.repeat(86),
        ]);
        return replyPostBody(post);
      },
    ],
    [
      'unpublished key claiming a published kid',
      async () => {
        const body = replyPostBody(post);
        headers[REPLY_SIGNATURE_HEADER] = await signReplyPost(body, tools.stranger);
        return body;
      },
    ],
    [
      'changed after signing',
      async () => {
        const body = replyPostBody(post);
        headers[REPLY_SIGNATURE_HEADER] = await signReplyPost(body, tools.intake);
        const field = rng.pick(['mailbox', 'sent', 'enc', 'ct'] as const);
        if (field === 'mailbox') return replyPostBody({ ...post, mailbox: b64(rng, 16) });
        if (field === 'sent') return replyPostBody({ ...post, sent: now + 1 });
        if (field === 'enc') return replyPostBody({ ...post, reply: { ...reply, enc: tools.otherSealed.enc } });
        return replyPostBody({ ...post, reply: { ...reply, ct: tools.otherSealed.ct } });
      },
    ],
    [
      'stale or future',
      async () => {
        const body = replyPostBody({ ...post, sent: now + rng.pick([-3600, -301 - rng.int(10_000), 3600]) });
        headers[REPLY_SIGNATURE_HEADER] = await signReplyPost(body, tools.intake);
        return body;
      },
    ],
    [
      'wrong lengths, signed',
      async () => {
        const broken = rng.pick([
          { ...reply, ct: base64urlEncode(rng.bytes(REPLY_CT_SIZE - 1)) },
          { ...reply, enc: base64urlEncode(rng.bytes(64)) },
          { ...reply, kid: b64(rng, 15) },
          { ...reply, v: 2 },
        ]);
        const body = JSON.stringify({ ...post, reply: broken });
        headers[REPLY_SIGNATURE_HEADER] = await signReplyPost(body, tools.intake);
        return body;
      },
    ],
    ['over the limit', async () => JSON.stringify({ ...post, pad: 'x'.repeat(rng.range(17_000, 80_000)) })],
  ];
  const [kind, make] = rng.pick(defects);
  const body = await make();
  return { index, target: 'post', kind, method: 'POST', path: '/api/reply', headers, body: enc.encode(body) };
}

interface PostTools {
  intake: PrivateKeyJwk;
  stranger: PrivateKeyJwk;
  sealed: SealedReply;
  otherSealed: SealedReply;
  kid: string;
}

const DOCUMENTED_5XX = new Set(['unavailable']);

function check(c: ReplyCase, outcome: Outcome, lookupLengths: Set<number>): string | null {
  if ('error' in outcome) {
    if (c.body.length > 16 * 1024 && /^(ECONNRESET|EPIPE)$/.test(outcome.error)) return null;
    return `no answer: ${outcome.error}`;
  }
  const { status, headers, body } = outcome.answer;
  if (String(headers['cache-control'] ?? '') !== 'no-store') return `${status} without Cache-Control: no-store`;
  if (
    status === 500 &&
    String(headers['content-type'] ?? '').startsWith('text/plain') &&
    body.toString().startsWith('Error: Network connection lost.') &&
    c.body.length > 16 * 1024
  )
    return null;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return `${status} with a body that is not JSON`;
  }
  if (status === 200 && c.target === 'lookup') {
    if (!lookupResponseSchema.safeParse(parsed).success) return 'a 200 look-up that is not the documented shape';
    if (parsed.count !== 0) return `a random mailbox had ${String(parsed.count)} replies`;
    lookupLengths.add(body.length);
    return null;
  }
  if (status === 200 && c.target === 'delete') return parsed.ok === true ? null : 'a 200 deletion without {"ok":true}';
  if (status >= 200 && status < 300) return `accepted with ${status}: a hostile reply must never be stored`;
  const code = parsed.error;
  if (typeof code !== 'string' || !(code in replyErrorStatus)) return `${status} with an undocumented error ${JSON.stringify(code)}`;
  if (replyErrorStatus[code as keyof typeof replyErrorStatus] !== status) return `${code} answered with ${status}`;
  if (status >= 500 && !DOCUMENTED_5XX.has(code)) return `${status} ${code}`;
  return null;
}

/** The test intake's private JWK and kid (the key dist/ is built with), from the fuzz worker's intake copy. */
export async function intakeKey(worker: FuzzWorker): Promise<{ kid: string; jwk: PrivateKeyJwk }> {
  const kid = worker.knownKids[0]!;
  const { kty, crv, x, y, d } = JSON.parse(
    await readFile(join(worker.intakeDir, 'keys', `${kid}.private.jwk.json`), 'utf8'),
  ) as PrivateKeyJwk;
  return { kid, jwk: { kty, crv, x, y, d } };
}

/** An answer from the test intake to the test person, with one phrase. */
export function answerWith(phrase: 'received' | 'write-back'): ReplyMessage {
  return {
    v: 1,
    id: crypto.randomUUID(),
    case: crypto.randomUUID(),
    receipt: '7KQ3-MX2P',
    created: '2026-12-01',
    phrases: [{ id: phrase }],
  };
}

/** POSTs a reply body to /api/reply signed with the intake's key, as the intake does; true when it is taken. */
export async function postSignedReply(worker: FuzzWorker, jwk: PrivateKeyJwk, body: string): Promise<{ taken: boolean; status: number }> {
  const res = await fetch(`${worker.system.url}/api/reply`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [REPLY_SIGNATURE_HEADER]: await signReplyPost(body, jwk) },
    body,
  });
  return { taken: res.status === 201 || res.status === 200, status: res.status };
}

export async function fuzzReply(worker: FuzzWorker, options: { seed: number; cases: number; concurrency?: number }): Promise<RunSummary> {
  const started = performance.now();
  const failures: Failure[] = [];
  const outcomes: Record<string, number> = {};
  const lookupLengths = new Set<number>();
  const { kid, jwk } = await intakeKey(worker);
  const person = await replyKeysFromMaster(new Uint8Array(32).fill(7));
  const sender = await importReplySenderKey(jwk);
  const message = answerWith('received');
  const tools: PostTools = {
    intake: jwk,
    stranger: (await generateRecipientKeyPair()).privateJwk,
    sealed: await sealReply(message, person, sender),
    otherSealed: await sealReply({ ...message, id: crypto.randomUUID() }, person, sender),
    kid,
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency ?? 4 }, async () => {
      while (next < options.cases) {
        const index = next++;
        const rng = new Rng((options.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
        const target = rng.pick(['lookup', 'delete', 'post'] as const);
        const c = target === 'post' ? await postCase(rng, index, tools) : readerCase(rng, index, target);
        const outcome = await sendHttp(
          worker.port,
          { method: c.method, path: c.path, headers: c.headers, body: Buffer.from(c.body), delivery: 'whole' },
          15_000,
        );
        const key = 'error' in outcome ? outcome.error : `${c.target}:${outcome.answer.status}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        const problem = check(c, outcome, lookupLengths);
        if (problem) failures.push({ index, kind: `${c.target} ${c.kind}`, problem });
      }
    }),
  );
  if (lookupLengths.size > 1)
    failures.push({ index: -1, kind: 'lookup size', problem: `look-ups answered with ${lookupLengths.size} different lengths` });

  // Control: a genuine signed reply is stored and found, with the same look-up length.
  const body = replyPostBody({ v: 1, mailbox: person.mailbox, sent: Math.floor(Date.now() / 1000), reply: tools.sealed });
  const stored = await postSignedReply(worker, jwk, body);
  if (!stored.taken) failures.push({ index: -1, kind: 'control', problem: `the control reply was answered ${stored.status}` });
  const found = await fetch(`${worker.system.url}/api/reply/lookup`, {
    method: 'POST',
    // A /64 of its own: the hostile cases share 2001:db8:f::/64, which the limiter may have closed by now.
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': '2001:db8:c0:1::1' },
    body: JSON.stringify({ v: 1, mailbox: person.mailbox }),
  });
  const text = await found.text();
  const parsed = lookupResponseSchema.safeParse(JSON.parse(text));
  if (!parsed.success || parsed.data.count !== 1) failures.push({ index: -1, kind: 'control', problem: 'the control reply was not found' });
  if (lookupLengths.size === 1 && !lookupLengths.has(Buffer.byteLength(text)))
    failures.push({ index: -1, kind: 'lookup size', problem: 'a mailbox with a reply answers with another length' });

  return {
    target: 'POST /api/reply, /lookup, /delete (Worker under wrangler dev)',
    seed: options.seed,
    cases: options.cases,
    failures,
    outcomes,
    seconds: (performance.now() - started) / 1000,
  };
}
