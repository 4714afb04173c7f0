/**
 * Hostile inputs for POST /api/contact and the intake's push receiver,
 * from a seed: the same seed gives the same cases, byte for byte, on any
 * machine (a small sfc32 generator, no Math.random).
 *
 * What comes out: random bytes; wrong, odd and missing content types;
 * bodies over the 64 KiB limit (with and without Content-Length); deeply
 * nested and unusual JSON (__proto__, 1e309, -0, comments, trailing
 * garbage, several documents); envelopes with one defect or more — wrong
 * lengths by one character or one byte, unknown and near-miss kids (one
 * character off, 15 and 17 bytes of valid base64url, padding, the standard
 * alphabet, non-canonical last character), numbers as strings, duplicate
 * keys, extra and missing fields; unicode edge cases (lone surrogates,
 * BOM, RTL marks, NUL, zero-width and full-width characters); url-encoded
 * forms; other methods; bodies sent slowly in pieces, and bodies cut short
 * (Content-Length larger than what is sent, then the client stops).
 *
 * No case is acceptable: before a case is returned it is checked with the
 * project's own schemas the way the Worker reads it (wouldBeQueued), and a
 * case that the Worker would put on the queue (a well-formed envelope to a
 * known kid, or a url-encoded form that makes a valid request — an empty
 * form does, every field has a default) is given one more defect. So the
 * property "nothing reaches the queue" is exact.
 */
import { sampleAnswers } from '../dev/sample-request.ts';
import { envelopeSchema, base64urlEncode, base64urlLength, ENC_SIZE, CT_SIZE, KID_SIZE } from '../../protocol/envelope.ts';
import { readContactForm } from '../../src/contact/form-fields.ts';
import { contactRequestSchema } from '../../protocol/request.ts';

// --------------------------------------------------------------- generator

/** sfc32: small, fast, and the same everywhere. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  /** Uniform 32-bit unsigned integer. */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    const t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const r = (t + this.d) | 0;
    this.c = (this.c + r) | 0;
    return r >>> 0;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.next();
      out[i] = v & 0xff;
      if (i + 1 < n) out[i + 1] = (v >>> 8) & 0xff;
      if (i + 2 < n) out[i + 2] = (v >>> 16) & 0xff;
      if (i + 3 < n) out[i + 3] = (v >>> 24) & 0xff;
    }
    return out;
  }
}

/** A fresh seed for a run (printed, so a failure can be replayed). */
export function newSeed(): number {
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

// ------------------------------------------------------------------- cases

export type Delivery =
  /** One write with Content-Length. */
  | 'whole'
  /** Transfer-Encoding: chunked, in a few pieces at once. */
  | 'chunked'
  /** Chunked, pieces a little apart (a slow client). */
  | 'slow'
  /** Raw socket: Content-Length larger than the bytes sent, then the client half-closes. */
  | 'truncated';

export interface HttpCase {
  /** Index in the run: with the seed, enough to replay one case. */
  index: number;
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  delivery: Delivery;
  /** For 'slow': pause between pieces. */
  pauseMs?: number;
  /** For 'truncated': the Content-Length announced. */
  announcedLength?: number;
}

export interface ContactFuzzContext {
  /** Kids the Worker accepts (from the /intake-keys.json it serves). */
  knownKids: readonly string[];
}

const utf8 = new TextEncoder();
const latin = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function b64u(rng: Rng, bytes: number): string {
  return base64urlEncode(rng.bytes(bytes));
}

/** One character changed to another base64url character. */
function oneCharOff(rng: Rng, text: string): string {
  if (text.length === 0) return 'A';
  const i = rng.int(text.length);
  let c = rng.pick([...latin]);
  while (c === text[i]) c = rng.pick([...latin]);
  return text.slice(0, i) + c + text.slice(i + 1);
}

/** Near misses of a kid: each one is not a kid the Worker accepts. */
function nearMissKid(rng: Rng, kid: string): string {
  switch (rng.int(12)) {
    case 0:
      return oneCharOff(rng, kid);
    case 1:
      return b64u(rng, KID_SIZE - 1); // 15 bytes, valid base64url
    case 2:
      return b64u(rng, KID_SIZE + 1); // 17 bytes, valid base64url
    case 3:
      return `${kid}==`; // padded
    case 4:
      return kid.replace(/-/g, '+').replace(/_/g, '/') + (/[-_]/.test(kid) ? '' : '+'); // standard alphabet
    case 5:
      return kid.slice(0, -1); // one character short
    case 6:
      return `${kid}A`; // one character long
    case 7: {
      // non-canonical: unused low bits of the last character set
      const last = latin.indexOf(kid.at(-1)!);
      return kid.slice(0, -1) + latin[(last | 1) === last ? last ^ 2 : last | 1]!;
    }
    case 8:
      return ` ${kid}`;
    case 9:
      return kid.toUpperCase() === kid ? kid.toLowerCase() : kid.toUpperCase();
    case 10:
      return `${kid.slice(0, 10)}\u200f${kid.slice(10)}`; // RTL mark
    default:
      return b64u(rng, KID_SIZE); // unknown kid of the right shape
  }
}

/** Strings a careless parser trips on. */
const UNICODE_EDGES = [
  '\ud800', // lone high surrogate
  '\udc00', // lone low surrogate
  '\udbff\ud800', // reversed pair
  '\ufeff', // BOM
  '\u200f', // RTL mark
  '\u202e', // RTL override
  '\u0000', // NUL
  '\u2028\u2029', // JS line separators
  '\u200b\u200d', // zero width
  'ＡＢＣ', // full width
  'e\u0301', // combining
  '𝒜😀', // astral
  '\uffff\ufffe', // non-characters
  '\u001b[31m', // terminal escape
];

/** A JSON text with a lone surrogate written as an escape (JSON.stringify would write it too). */
function jsonString(text: string): string {
  return JSON.stringify(text);
}

function envelopeText(fields: [string, string][]): string {
  return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

/** A well-shaped envelope (fields as JSON texts) to mutate. */
function baseEnvelopeFields(rng: Rng, ctx: ContactFuzzContext): [string, string][] {
  const kid = ctx.knownKids.length > 0 && rng.chance(0.7) ? rng.pick(ctx.knownKids) : b64u(rng, KID_SIZE);
  return [
    ['v', '1'],
    ['kid', jsonString(kid)],
    ['enc', jsonString(b64u(rng, ENC_SIZE))],
    ['ct', jsonString(b64u(rng, CT_SIZE))],
  ];
}

type Mutation = (rng: Rng, fields: [string, string][], ctx: ContactFuzzContext) => [string, string][];

const set = (fields: [string, string][], key: string, value: string): [string, string][] =>
  fields.map(([k, v]) => [k, k === key ? value : v]);
/** A field's string value, or '' when an earlier mutation made it something else. */
const get = (fields: [string, string][], key: string): string => {
  try {
    const value: unknown = JSON.parse(fields.find(([k]) => k === key)?.[1] ?? '""');
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
};

const mutations: Record<string, Mutation> = {
  nearMissKid: (rng, f, ctx) => set(f, 'kid', jsonString(nearMissKid(rng, ctx.knownKids[0] ?? get(f, 'kid')))),
  encLengthOff: (rng, f) =>
    set(
      f,
      'enc',
      jsonString(
        rng.chance(0.5) ? b64u(rng, ENC_SIZE + rng.pick([-1, 1])) : rng.chance(0.5) ? `${get(f, 'enc')}A` : get(f, 'enc').slice(0, -1),
      ),
    ),
  ctLengthOff: (rng, f) =>
    set(
      f,
      'ct',
      jsonString(
        rng.chance(0.5)
          ? b64u(rng, CT_SIZE + rng.pick([-16, -1, 1, 16]))
          : get(f, 'ct').slice(0, base64urlLength(CT_SIZE) - rng.range(1, 3)),
      ),
    ),
  ctBadChar: (rng, f) => {
    const ct = get(f, 'ct');
    const i = rng.int(ct.length);
    return set(f, 'ct', jsonString(ct.slice(0, i) + rng.pick(['+', '/', '=', ' ', '.', '\n', 'é']) + ct.slice(i + 1)));
  },
  vWrong: (rng, f) => set(f, 'v', rng.pick(['"1"', '2', '0', '-1', '1.5', 'true', 'null', '[1]', '{"":1}', '"v1"', '1e400', '"\\u0031"'])),
  numberAsString: (rng, f) =>
    set(f, rng.pick(['kid', 'enc', 'ct']), rng.pick(['123', '1e3', '-0', '0x10', 'NaN'].map((n) => (rng.chance(0.5) ? n : jsonString(n))))),
  wrongType: (rng, f) =>
    set(f, rng.pick(['v', 'kid', 'enc', 'ct']), rng.pick(['null', 'true', '[]', '{}', `[${f[1]?.[1] ?? 1}]`, `{"$ref":"#"}`])),
  extraField: (rng, f) => [
    ...f,
    [rng.pick(['x', 'ip', '__proto__', 'constructor', 'v ', 'KID', '', 'plaintext', 'message']), rng.pick(['1', '"x"', 'null', '{"v":1}'])],
  ],
  missingField: (rng, f) => f.filter(([k]) => k !== rng.pick(['v', 'kid', 'enc', 'ct'])),
  duplicateKey: (rng, f) => {
    // The last one wins in JSON.parse: make the last one wrong.
    const key = rng.pick(['v', 'kid', 'enc', 'ct']);
    const bad = key === 'v' ? '"1"' : jsonString(b64u(rng, rng.pick([0, 1, 15, 17])));
    return [...f, [key, bad]];
  },
  unicodeInField: (rng, f) => {
    const key = rng.pick(['kid', 'enc', 'ct']);
    const value = get(f, key);
    const i = rng.int(value.length + 1);
    return set(f, key, jsonString(value.slice(0, i) + rng.pick(UNICODE_EDGES) + value.slice(i)));
  },
  unicodeKey: (rng, f) => f.map(([k, v], i) => [i === rng.int(f.length) ? k + rng.pick(UNICODE_EDGES) : k, v]),
  encNotBase64url: (rng, f) => set(f, 'enc', jsonString(Buffer.from(rng.bytes(ENC_SIZE)).toString('base64'))),
  hugeString: (rng, f) => set(f, rng.pick(['kid', 'enc']), jsonString('A'.repeat(rng.range(1000, 40_000)))),
};
const mutationNames = Object.keys(mutations);

function mutatedEnvelope(rng: Rng, ctx: ContactFuzzContext): { kind: string; text: string } {
  let fields = baseEnvelopeFields(rng, ctx);
  const names: string[] = [];
  const count = rng.range(1, 3);
  for (let i = 0; i < count; i++) {
    const name = rng.pick(mutationNames);
    names.push(name);
    fields = mutations[name]!(rng, fields, ctx);
  }
  let text = envelopeText(fields);
  if (rng.chance(0.1)) text = rng.pick(['\ufeff', ' ', '\n', '\t']) + text + rng.pick(['', ' ', '\n', 'x', '{}', '\u0000']);
  return { kind: `envelope:${names.join('+')}`, text };
}

function nested(rng: Rng): string {
  const depth = rng.pick([64, 512, 4096, 20_000, 30_000]);
  switch (rng.int(4)) {
    case 0:
      return '['.repeat(depth) + ']'.repeat(depth);
    case 1:
      return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    case 2:
      return `{"v":1,"kid":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    default:
      return '['.repeat(depth); // unclosed
  }
}

const ODD_JSON = [
  '',
  ' ',
  'null',
  'true',
  'false',
  '0',
  '-0',
  '1e309',
  '-1e309',
  '123456789012345678901234567890',
  '"x"',
  '[]',
  '{}',
  '{"__proto__":{"v":1,"polluted":true}}',
  '{"constructor":{"prototype":{"v":1}}}',
  '{"v":1}',
  '{"v":1,"kid":null,"enc":null,"ct":null}',
  "{'v':1}",
  '{v:1}',
  '{"v":1,}',
  '[1,2,]',
  '{"v":1}/*c*/',
  '// c\n{}',
  '{"v":1}{"v":1}',
  '{"v":NaN}',
  '{"v":Infinity}',
  '{"v":0x1}',
  '{"v":01}',
  '"\\ud800"',
  '"\\u0000"',
  '{"\\u0000":1}',
  '{"v":1e-400}',
  '{"a":"\\x41"}',
  '\u0000',
  'undefined',
  '[' + '1,'.repeat(5000) + '1]',
  '{' + Array.from({ length: 2000 }, (_, i) => `"k${i}":${i}`).join(',') + '}',
];

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
  'application/json;charset=utf-16',
  ' application/json ',
  'application/json; boundary=x',
];
const ODD_TYPES = [
  '',
  'text/plain',
  'text/json',
  'application/jsonx',
  'application/json-patch+json',
  'application/ld+json',
  'multipart/form-data; boundary=----x',
  'application/octet-stream',
  'application/json, text/plain',
  'x'.repeat(2000),
  'application/x-www-form-urlencodedx',
  '*/*',
  'text/html',
  '\u00e9',
];

/** Percent-encodes the UTF-8 bytes (a lone surrogate becomes U+FFFD, as a browser sends it). */
function formEncode(text: string): string {
  let out = '';
  for (const byte of utf8.encode(text)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9*_.-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A url-encoded form that never makes a valid request (see wouldBeQueued). */
function formBody(rng: Rng): { kind: string; text: string } {
  const pairs: string[] = [];
  const n = rng.range(0, 12);
  const names = [
    'locale',
    'role',
    'needs',
    'method',
    'phone',
    'safeTimes',
    'voicemailOk',
    'mayNameSocialServices',
    'language',
    'interpreter',
    'message',
    'municipality',
    'x',
    '',
    '__proto__',
  ];
  for (let i = 0; i < n; i++) {
    const name = rng.pick(names);
    const value = rng.pick([
      '',
      'sv',
      'ar',
      'yes',
      'self',
      'call',
      '070-123 45 67',
      'a'.repeat(rng.range(1, 5000)),
      rng.pick(UNICODE_EDGES),
      Buffer.from(rng.bytes(rng.range(1, 40))).toString('latin1'),
      '%',
      '%zz',
      '%ED%A0%80',
      '%00',
      '+',
      'Stockholm',
    ]);
    pairs.push(`${formEncode(name)}=${rng.chance(0.2) ? value : formEncode(value)}`);
  }
  return { kind: 'form', text: pairs.join(rng.pick(['&', '&', ';', '&&'])) };
}

/** Mirrors how the Worker routes a content type (functions/routes/contact.ts). */
export function routeOf(contentType: string | undefined): 'json' | 'form' | 'other' {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return 'other';
}

export const WORKER_MAX_BODY_BYTES = 64 * 1024;

/**
 * True when the Worker would accept this case and queue it: a POST within
 * the size limit that is a well-formed envelope to a known kid, or a
 * url-encoded form that makes a valid request. Decodes the way the Worker
 * does (UTF-8, BOM dropped, invalid bytes replaced).
 */
export function wouldBeQueued(c: HttpCase, ctx: ContactFuzzContext): boolean {
  if (c.method !== 'POST' || c.path !== '/api/contact' || c.body === null) {
    // An empty POST form is a valid request too.
    if (c.method === 'POST' && c.path === '/api/contact' && routeOf(c.headers['content-type']) === 'form') return true;
    return false;
  }
  if (c.delivery === 'truncated') return false;
  if (c.body.length > WORKER_MAX_BODY_BYTES) return false;
  const text = new TextDecoder().decode(c.body);
  const route = routeOf(c.headers['content-type']);
  if (route === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    const parsed = envelopeSchema.safeParse(value);
    return parsed.success && ctx.knownKids.includes(parsed.data.kid);
  }
  if (route === 'form') {
    const input = readContactForm(new URLSearchParams(text));
    // createRequest adds v, id, receipt and created; these are always valid.
    return contactRequestSchema.safeParse({ ...input, v: 1, id: crypto.randomUUID(), receipt: 'ABCD-EFGH', created: '2026-01-01' }).success;
  }
  return false;
}

/** Makes an acceptable case unacceptable with one more defect. */
function spoil(c: HttpCase, rng: Rng, ctx: ContactFuzzContext): HttpCase {
  const route = routeOf(c.headers['content-type']);
  const text = c.body ? new TextDecoder().decode(c.body) : '';
  if (route === 'form') {
    // URLSearchParams.get takes the first: a phone that is not one comes first.
    return {
      ...c,
      kind: `${c.kind}+badPhone`,
      body: utf8.encode(`phone=${encodeURIComponent(rng.pick(['abc', '12', '+', '070-ABC']))}&${text}`),
    };
  }
  const value = JSON.parse(text) as Record<string, unknown>;
  const kid = nearMissKid(rng, String(value['kid']));
  const body = JSON.stringify({ ...value, kid: ctx.knownKids.includes(kid) ? `${kid}x` : kid });
  return { ...c, kind: `${c.kind}+nearMissKid`, body: utf8.encode(body) };
}

const KINDS = [
  ['envelope', 34],
  ['randomBytes', 10],
  ['oddJson', 10],
  ['nested', 6],
  ['contentType', 8],
  ['form', 10],
  ['huge', 4],
  ['method', 5],
  ['slow', 4],
  ['truncated', 4],
  ['headers', 5],
] as const;
const KIND_TOTAL = KINDS.reduce((s, [, w]) => s + w, 0);

function pickKind(rng: Rng): (typeof KINDS)[number][0] {
  let r = rng.int(KIND_TOTAL);
  for (const [kind, weight] of KINDS) {
    if (r < weight) return kind;
    r -= weight;
  }
  return 'envelope';
}

/** Case `index` of the run with `seed` (independent of the others, so any one can be replayed). */
export function contactCase(seed: number, index: number, ctx: ContactFuzzContext): HttpCase {
  const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const kind = pickKind(rng);
  const base: HttpCase = {
    index,
    kind,
    method: 'POST',
    path: '/api/contact',
    headers: { 'content-type': rng.pick(JSON_TYPES) },
    body: null,
    delivery: rng.chance(0.15) ? 'chunked' : 'whole',
  };
  let c: HttpCase;
  switch (kind) {
    case 'envelope': {
      const e = mutatedEnvelope(rng, ctx);
      c = { ...base, kind: e.kind, body: utf8.encode(e.text) };
      break;
    }
    case 'randomBytes':
      c = {
        ...base,
        headers: { 'content-type': rng.pick([...JSON_TYPES, ...ODD_TYPES, 'application/x-www-form-urlencoded']) },
        body: rng.bytes(rng.range(0, 4096)),
      };
      break;
    case 'oddJson':
      c = { ...base, body: utf8.encode(rng.pick(ODD_JSON)) };
      break;
    case 'nested':
      c = { ...base, body: utf8.encode(nested(rng)) };
      break;
    case 'contentType': {
      const e = mutatedEnvelope(rng, ctx);
      const headers: Record<string, string> = rng.chance(0.15) ? {} : { 'content-type': rng.pick(ODD_TYPES) };
      c = { ...base, kind: `contentType:${headers['content-type']?.slice(0, 30) ?? '(none)'}`, headers, body: utf8.encode(e.text) };
      break;
    }
    case 'form': {
      const f = formBody(rng);
      c = {
        ...base,
        headers: {
          'content-type': rng.pick([
            'application/x-www-form-urlencoded',
            'application/x-www-form-urlencoded; charset=utf-8',
            'APPLICATION/X-WWW-FORM-URLENCODED',
          ]),
        },
        body: utf8.encode(f.text),
      };
      break;
    }
    case 'huge': {
      const size = rng.pick([WORKER_MAX_BODY_BYTES + 1, 100_000, 300_000, 1_000_000]);
      const fill = rng.pick(['json', 'form', 'bytes']);
      const body =
        fill === 'bytes'
          ? rng.bytes(size)
          : utf8.encode(fill === 'json' ? `{"v":1,"kid":"${'A'.repeat(size - 20)}"}` : `message=${'a'.repeat(size - 8)}`);
      c = {
        ...base,
        kind: `huge:${fill}:${size}`,
        headers: { 'content-type': fill === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' },
        body,
        delivery: rng.chance(0.5) ? 'chunked' : 'whole',
      };
      break;
    }
    case 'method': {
      const method = rng.pick(['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
      const e = mutatedEnvelope(rng, ctx);
      c = {
        ...base,
        kind: `method:${method}`,
        method,
        body: method === 'GET' || method === 'OPTIONS' ? null : utf8.encode(e.text),
        delivery: 'whole',
      };
      break;
    }
    case 'slow': {
      const e = rng.chance(0.5) ? mutatedEnvelope(rng, ctx) : { kind: 'slow:form', text: formBody(rng).text };
      const isForm = e.kind === 'slow:form';
      c = {
        ...base,
        kind: `slow:${e.kind}`,
        headers: { 'content-type': isForm ? 'application/x-www-form-urlencoded' : 'application/json' },
        body: utf8.encode(e.text),
        delivery: 'slow',
        pauseMs: rng.range(50, 400),
      };
      break;
    }
    case 'truncated': {
      const e = mutatedEnvelope(rng, ctx);
      const body = utf8.encode(e.text);
      c = {
        ...base,
        kind: `truncated:${e.kind}`,
        body: body.slice(0, rng.int(body.length)),
        delivery: 'truncated',
        announcedLength: body.length + rng.range(1, 20_000),
      };
      break;
    }
    default: {
      // Odd headers beside a mutated envelope.
      const e = mutatedEnvelope(rng, ctx);
      const extra = rng.pick<Record<string, string>>([
        { 'content-encoding': 'gzip' },
        { 'content-encoding': 'br, gzip' },
        {
          'cf-connecting-ip': rng.pick([
            'not-an-ip',
            '::1',
            '999.1.1.1',
            '\u00ff'.repeat(10),
            '1.2.3.4, 5.6.7.8',
            '2001:db8::1%eth0',
            ':::',
            '1:2:3:4:5:6:7:8:9',
            '::ffff:1.2.3',
          ]),
        },
        { 'sec-fetch-site': rng.pick(['cross-site', 'same-site', 'none', 'same-origin', 'SAME-ORIGIN', '', 'x'.repeat(300)]) },
        { origin: rng.pick(['https://evil.example', 'null', 'http://127.0.0.1', '', 'not a url']) },
        { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' },
        { 'x-forwarded-for': '1.2.3.4' },
        { expect: '100-continue' },
        { 'content-type': 'application/json', 'x-http-method-override': 'DELETE' },
        { cookie: 'a=b' },
        { 'accept-encoding': 'gzip, br' },
      ]);
      c = { ...base, kind: `headers:${Object.keys(extra).join(',')}`, headers: { ...base.headers, ...extra }, body: utf8.encode(e.text) };
    }
  }
  if (c.body && c.body.length === 0 && c.delivery === 'truncated') c = { ...c, delivery: 'whole' };
  for (let guard = 0; guard < 4 && wouldBeQueued(c, ctx); guard++) c = spoil(c, rng, ctx);
  if (wouldBeQueued(c, ctx)) throw new Error(`fuzz case ${index} of seed ${seed} stays acceptable`);
  return c;
}

// ---------------------------------------------------------------- intake

export type SignMode = 'none' | 'valid' | 'stale' | 'future' | 'wrongSecret' | 'wrongRecipient' | 'badFormat' | 'otherBody';

export interface IntakeCase {
  index: number;
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  sign: SignMode;
}

/**
 * Case `index` for the intake's push receiver (intake/src/receiver/push-app.ts): the
 * same garbage bodies, unsigned, signed with the real secret (so the body
 * is opened) or signed wrongly. `knownKids` are the receiver's own kids,
 * so signed well-shaped envelopes reach decryption and are quarantined.
 */
export function intakeCase(seed: number, index: number, ctx: ContactFuzzContext): IntakeCase {
  const rng = new Rng((seed ^ Math.imul(index + 7, 0x85ebca6b)) >>> 0);
  const text = (() => {
    switch (rng.int(6)) {
      case 0:
        return Buffer.from(rng.bytes(rng.range(0, 2048))).toString('latin1');
      case 1:
        return rng.pick(ODD_JSON);
      case 2:
        return nested(rng);
      case 3: {
        // a well-shaped envelope to a known kid: reaches HPKE open and fails there
        const f = baseEnvelopeFields(rng, ctx);
        return envelopeText(ctx.knownKids.length > 0 ? set(f, 'kid', jsonString(rng.pick(ctx.knownKids))) : f);
      }
      case 4:
        return rng.chance(0.1) ? 'x'.repeat(rng.pick([65_537, 200_000])) : formBody(rng).text;
      default:
        return mutatedEnvelope(rng, ctx).text;
    }
  })();
  const sign = rng.pick<SignMode>([
    'none',
    'valid',
    'valid',
    'valid',
    'stale',
    'future',
    'wrongSecret',
    'wrongRecipient',
    'badFormat',
    'otherBody',
  ]);
  const odd = rng.chance(0.08);
  return {
    index,
    kind: `intake:${sign}`,
    method: odd ? rng.pick(['GET', 'PUT', 'DELETE']) : 'POST',
    path: odd && rng.chance(0.5) ? rng.pick(['/', '/push/', '/PUSH', '/push?x=1', '/../push', '/health']) : '/push',
    headers: { 'content-type': rng.pick(['application/json', 'text/plain', '']) },
    body: text,
    sign,
  };
}

/** Inputs for openEnvelope / the store's receive directly: values and texts. */
export function envelopeInput(seed: number, index: number, ctx: ContactFuzzContext): { kind: string; text: string } {
  const rng = new Rng((seed ^ Math.imul(index + 13, 0xc2b2ae35)) >>> 0);
  switch (rng.int(5)) {
    case 0:
      return { kind: 'bytes', text: Buffer.from(rng.bytes(rng.range(0, 512))).toString('latin1') };
    case 1:
      return { kind: 'oddJson', text: rng.pick(ODD_JSON) };
    case 2:
      return { kind: 'nested', text: nested(rng) };
    case 3: {
      const f = baseEnvelopeFields(rng, ctx);
      return { kind: 'wellShaped', text: envelopeText(ctx.knownKids.length > 0 ? set(f, 'kid', jsonString(rng.pick(ctx.knownKids))) : f) };
    }
    default: {
      const e = mutatedEnvelope(rng, ctx);
      return { kind: e.kind, text: e.text };
    }
  }
}

/**
 * A padded plaintext that is wrong inside a valid HPKE ciphertext (sealed
 * by the caller to the intake's real key), so opening gets past
 * decryption: bad lengths, non-zero padding, not UTF-8, not JSON, JSON
 * that is not a request, and requests with one defect. Never a valid
 * request (checked with the project's schema).
 */
export function plaintextInput(seed: number, index: number): { kind: string; bytes: Uint8Array } {
  const rng = new Rng((seed ^ Math.imul(index + 29, 0x27d4eb2f)) >>> 0);
  const pad = (json: Uint8Array, declared = json.length): Uint8Array => {
    const out = new Uint8Array(PADDED);
    new DataView(out.buffer).setUint32(0, declared >>> 0, false);
    out.set(json.subarray(0, PADDED - 4), 4);
    return out;
  };
  const request = {
    v: 1,
    id: '0b9d6c1e-3f7a-4c1b-9e2d-5a6b7c8d9e0f',
    receipt: 'ABCD-EFGH',
    created: '2026-03-01',
    ...sampleAnswers('hej'),
  };
  switch (rng.int(8)) {
    case 0:
      return { kind: 'plain:random', bytes: rng.bytes(PADDED) };
    case 1:
      return { kind: 'plain:wrongSize', bytes: rng.bytes(rng.pick([0, 1, 4, PADDED - 1, PADDED + 1])) };
    case 2: {
      // declared length beyond the plaintext, or padding not zero
      const p = pad(utf8.encode('{}'), rng.pick([PADDED, PADDED - 3, 0xffffffff, 3]));
      if (rng.chance(0.5)) p[PADDED - 1 - rng.int(100)] = 1 + rng.int(255);
      return { kind: 'plain:badPadding', bytes: p };
    }
    case 3:
      return { kind: 'plain:notUtf8', bytes: pad(rng.bytes(rng.range(1, 200)).map((b) => b | 0x80)) };
    case 4:
      return { kind: 'plain:notJson', bytes: pad(utf8.encode(rng.pick(ODD_JSON.filter((text) => !parsesAsJson(text))))) };
    case 5:
      return { kind: 'plain:jsonNotRequest', bytes: pad(utf8.encode(rng.pick(ODD_JSON.filter(parsesAsJson)))) };
    default: {
      const bad = structuredClone(request) as Record<string, unknown> & { contact: Record<string, unknown> };
      const defect = rng.pick([
        () => {
          bad['message'] = `hej ${rng.pick(['\ud800', '\udc00', '\udbff\ud800', '\u0000', '\u001b[31m', '\u007f', '\u0085'])}`;
        },
        () => {
          bad['message'] = 'x'.repeat(4001);
        },
        () => {
          bad['v'] = '1';
        },
        () => {
          bad['id'] = 'not-a-uuid';
        },
        () => {
          bad['created'] = '2026-02-30';
        },
        () => {
          bad['receipt'] = 'abcd-efgh';
        },
        () => {
          bad['extra'] = 1;
        },
        () => {
          bad['needs'] = ['safety', 'safety'];
        },
        () => {
          bad.contact['method'] = 'call';
        },
        () => {
          bad.contact['phone'] = '070-ABC';
        },
        () => {
          bad['municipality'] = '../etc';
        },
        () => {
          bad['locale'] = 'xx';
        },
      ]);
      defect();
      const json = JSON.stringify(bad);
      if (contactRequestSchema.safeParse(bad).success) throw new Error('plaintext fuzz made a valid request');
      return { kind: 'plain:requestDefect', bytes: pad(utf8.encode(json)) };
    }
  }
}
const PADDED = 16_384;
