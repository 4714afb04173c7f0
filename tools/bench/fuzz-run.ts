/**
 * Runs the cases of fuzz-cases.ts and checks the properties:
 *
 * POST /api/contact (the Worker under wrangler dev, its own ports, its own
 * state and intake folders):
 *  - every request is answered within a timeout (a body cut short may
 *    instead be closed or left waiting once the client stops: it has
 *    nothing to answer to);
 *  - never a 2xx (no case is acceptable) and never a 5xx other than the
 *    documented 503s (queue_unavailable, keys_unavailable);
 *  - a JSON body {"error": code} with a code from functions/contact-errors.ts
 *    and that code's status, with Cache-Control: no-store; the no-JavaScript
 *    form path answers its form page (HTML) with a documented status instead;
 *  - nothing reaches the queue: the receiver gets every queued message by
 *    push, so its inbox and quarantine stay empty; a control envelope sent
 *    afterwards must arrive, which shows the emptiness means something;
 *  - the Worker and the receiver are still running and healthy.
 *
 * The intake's push receiver as `intake serve` runs it
 * (intake/src/receiver/push-app.ts on its own listener, over HTTP), and
 * openEnvelope / the store's receive: every answer documented, never 500,
 * never an exception other than EnvelopeError; "stored" only for a validly
 * signed, well-formed envelope to a key the intake holds (the receiver
 * opens nothing, issue 19: such garbage is one row the inbox shows as
 * damaged), nothing that opens as a request, and quarantine written only
 * for deliveries with a valid signature.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type Server as HttpServer } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { contactErrorStatus } from '../../functions/contact-errors.ts';
import {
  aadForKid,
  base64urlEncode,
  contactSuite,
  EnvelopeError,
  HPKE_INFO,
  importPublicKey,
  parseEnvelope,
  sealRequest,
  type PrivateKeyJwk,
} from '../../protocol/envelope.ts';
import { keyRing, openEnvelope, openEnvelopeToJson, type PrivateKeyRing } from '../../protocol/envelope-open.ts';
import { createRequest } from '../../protocol/request.ts';
import { sampleAnswers } from '../dev/sample-request.ts';
import { serve, type ServerType } from '@hono/node-server';
import { dayAfter } from '../../intake/src/key-vault.ts';
import { NO_RECIPIENTS } from '../../intake/src/promise.ts';
import { createPushApp } from '../../intake/src/receiver/push-app.ts';
import { readLeniently } from '../../intake/src/opened-request.ts';
import { provisionDevVault } from '../dev/dev-vault.ts';
import { generateKey, loadPrivateKeys } from '../dev/plain-keys.ts';
import {
  generateSigningKey,
  importSigningKey,
  PUSH_RECIPIENT_HEADER,
  PUSH_SIGNATURE_HEADER as SIGNATURE_HEADER,
  PUSH_TIMESTAMP_HEADER as TIMESTAMP_HEADER,
  receiverAuth,
  signPush as signPushWithKey,
} from '../../protocol/push-auth.ts';
import { DATABASE_FILE, IntakeStore } from '../../intake/src/store.ts';
import { DatabaseSync } from 'node:sqlite';
import { startLocalSystem, type LocalSystem } from '../dev/local-system.ts';
import { copyTestIntake, testIntakeDir } from '../dev/test-intake.ts';
import { buildSite } from '../dev/build-site.ts';
import { ensureDevIntake } from '../dev/dev-keys.ts';
import { writeConfigWithServiceLimit } from '../dev/wrangler-config.ts';
import {
  contactCase,
  envelopeInput,
  intakeCase,
  plaintextInput,
  routeOf,
  WORKER_MAX_BODY_BYTES,
  type ContactFuzzContext,
  type HttpCase,
  type IntakeCase,
} from './fuzz-cases.ts';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  ms: number;
}
export type Outcome = { answer: Answer } | { error: string; ms: number };

export interface Failure {
  index: number;
  kind: string;
  problem: string;
}

export interface RunSummary {
  target: string;
  seed: number;
  cases: number;
  failures: Failure[];
  /** Answers by status (or error kind). */
  outcomes: Record<string, number>;
  seconds: number;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one HTTP case to 127.0.0.1:port. */
export function sendHttp(
  port: number,
  c: Pick<HttpCase, 'method' | 'path' | 'headers' | 'body' | 'delivery' | 'pauseMs' | 'announcedLength'>,
  timeoutMs: number,
): Promise<Outcome> {
  if (c.delivery === 'truncated') return sendTruncated(port, c, timeoutMs);
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const headers: Record<string, string | number> = { ...c.headers };
    if (c.delivery === 'whole') headers['content-length'] = c.body?.length ?? 0;
    const req = httpRequest({ host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent: false });
    const timer = setTimeout(() => {
      done({ error: 'timeout', ms: performance.now() - started });
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        let body: Buffer = Buffer.concat(chunks);
        try {
          body = decode(body, String(res.headers['content-encoding'] ?? ''));
        } catch {
          return done({ error: `undecodable ${String(res.headers['content-encoding'])} body`, ms: performance.now() - started });
        }
        done({ answer: { status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started } });
      });
      res.on('error', (error) =>
        done({ error: `response ${(error as NodeJS.ErrnoException).code ?? error.name}`, ms: performance.now() - started }),
      );
    });
    req.on('error', (error) => done({ error: (error as NodeJS.ErrnoException).code ?? error.name, ms: performance.now() - started }));
    const body = c.body;
    if (!body || body.length === 0) {
      req.end();
      return;
    }
    if (c.delivery === 'whole') {
      req.end(body);
      return;
    }
    void (async () => {
      const pieces = c.delivery === 'slow' ? 5 : 3;
      const size = Math.ceil(body.length / pieces);
      for (let i = 0; i < body.length; i += size) {
        if (settled || req.destroyed) return;
        req.write(body.subarray(i, i + size));
        if (c.delivery === 'slow') await sleep(c.pauseMs ?? 100);
      }
      req.end();
    })();
  });
}

/** Undoes Content-Encoding (a case may ask for gzip or br). */
function decode(body: Buffer, encoding: string): Buffer {
  const e = encoding.trim().toLowerCase();
  if (e === 'gzip' || e === 'x-gzip') return gunzipSync(body);
  if (e === 'br') return brotliDecompressSync(body);
  if (e === 'deflate') return inflateSync(body);
  return body;
}

/** Content-Length larger than what is sent, then the client half-closes. */
function sendTruncated(
  port: number,
  c: Pick<HttpCase, 'method' | 'path' | 'headers' | 'body' | 'announcedLength'>,
  timeoutMs: number,
): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ error: 'truncated:still-waiting', ms: performance.now() - started }), timeoutMs);
    socket.on('connect', () => {
      const head = [
        `${c.method} ${c.path} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        ...Object.entries(c.headers).map(([k, v]) => `${k}: ${v}`),
        `Content-Length: ${c.announcedLength ?? (c.body?.length ?? 0) + 1}`,
        'Connection: close',
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      if (c.body) socket.write(c.body);
      socket.end();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!match) return finish({ error: 'truncated:closed', ms: performance.now() - started });
      const split = text.indexOf('\r\n\r\n');
      const headers: Record<string, string> = {};
      for (const line of text.slice(0, split).split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let body: Buffer = Buffer.from(text.slice(split + 4), 'latin1');
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
      finish({ answer: { status: Number(match[1]), headers, body, ms: performance.now() - started } });
    });
  });
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(out);
}

function outcomeKey(outcome: Outcome): string {
  if ('error' in outcome) return outcome.error;
  return isDevProxyLostConnection(outcome.answer) ? 'dev-proxy-500' : String(outcome.answer.status);
}

/** Statuses the no-JavaScript form page is answered with (contact-errors.ts). */
const FORM_PAGE_STATUSES = new Set([
  contactErrorStatus.invalid_form,
  // A form body over the limit gets the form page with a message, never JSON (issue 22, part 8).
  contactErrorStatus.body_too_large,
  contactErrorStatus.rate_limited,
  contactErrorStatus.forbidden_origin,
  contactErrorStatus.keys_unavailable,
  contactErrorStatus.queue_unavailable,
]);
const DOCUMENTED_5XX = new Set(['queue_unavailable', 'keys_unavailable']);

/**
 * wrangler dev's own proxy (miniflare's entry worker and wrangler's
 * body-draining middleware), not the Worker, answers with a plain-text 500
 * "Network connection lost" when the request body breaks off: a body cut
 * short by the client, or (rarely, under load) an oversized body the Worker
 * already refused with 413 without reading it. On Cloudflare the edge
 * handles both; the client has stopped sending or was refused either way.
 * Counted apart (outcome "dev-proxy-500"), not as a failure.
 */
export function isDevProxyLostConnection(answer: Answer): boolean {
  return (
    answer.status === 500 &&
    String(answer.headers['content-type'] ?? '').startsWith('text/plain') &&
    answer.body.toString('utf8').startsWith('Error: Network connection lost.')
  );
}

/** null when the Worker's answer to `c` keeps every property, else what is wrong. */
export function checkContactOutcome(c: HttpCase, outcome: Outcome): string | null {
  if ('error' in outcome) {
    if (c.delivery === 'truncated' && (outcome.error === 'truncated:closed' || outcome.error === 'truncated:still-waiting')) return null;
    // Over the body limit the Worker answers 413 at once; the connection may be reset while the client is still sending.
    if ((c.body?.length ?? 0) > WORKER_MAX_BODY_BYTES && /^(response )?(ECONNRESET|EPIPE)$/.test(outcome.error)) return null;
    return `no answer: ${outcome.error} after ${Math.round(outcome.ms)} ms`;
  }
  const { status, headers, body } = outcome.answer;
  // wrangler dev only (see isDevProxyLostConnection): a body cut short, or an oversized body the
  // Worker refused with 413 before reading it, whose rest wrangler's body-draining middleware lost.
  if ((c.delivery === 'truncated' || (c.body?.length ?? 0) > WORKER_MAX_BODY_BYTES) && isDevProxyLostConnection(outcome.answer))
    return null;
  if (status >= 200 && status < 300) return `accepted with ${status}: a hostile case must never be queued`;
  const type = String(headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return `${status} with a body that is not JSON`;
    }
    const code = (parsed as { error?: unknown }).error;
    if (typeof code !== 'string' || !(code in contactErrorStatus)) return `${status} with an undocumented error ${JSON.stringify(code)}`;
    if (contactErrorStatus[code as keyof typeof contactErrorStatus] !== status)
      return `${code} answered with ${status}, documented ${contactErrorStatus[code as keyof typeof contactErrorStatus]}`;
    if (status >= 500 && !DOCUMENTED_5XX.has(code)) return `${status} ${code}`;
    if (String(headers['cache-control'] ?? '') !== 'no-store') return `${code} without Cache-Control: no-store`;
    return null;
  }
  if (status >= 500)
    return `${status} without a JSON error code (${type || 'no content type'}: ${JSON.stringify(body.toString('utf8').slice(0, 160))})`;
  if (
    c.method === 'POST' &&
    routeOf(c.headers['content-type']) === 'form' &&
    type.includes('text/html') &&
    FORM_PAGE_STATUSES.has(status as 400)
  )
    return null;
  return `${status} ${type || '(no content type)'}: not a JSON error body`;
}

async function runPool<T>(items: number, concurrency: number, work: (index: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items) await work(next++);
    }),
  );
}

/**
 * What an intake folder's store (`<dir>/intake/intake.db`) holds:
 * "inbox/<request id>.json" for each stored request (decrypted here with
 * the plain development key in `<dir>/keys`), "review/<ref>" for each
 * body kept for review (it opened but is not a request this version reads)
 * and "quarantine/<sha256>.json" for each quarantined body.
 */
export async function intakeDataFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  let db: DatabaseSync | null = null;
  try {
    db = new DatabaseSync(join(dir, 'intake', DATABASE_FILE), { readOnly: true });
  } catch {
    // no version-2 store here
  }
  if (db) {
    try {
      const ring = keyRing(await loadPrivateKeys(dir));
      const rows = db
        .prepare('SELECT e.ref AS ref, e.body AS envelope, r.fits AS fits FROM envelopes e JOIN requests r ON r.ref = e.ref')
        .all() as { ref: string; envelope: string; fits: number }[];
      for (const row of rows) {
        if (!row.fits) {
          files.push(`review/${row.ref}`);
          continue;
        }
        let json: Uint8Array;
        try {
          json = await openEnvelopeToJson(JSON.parse(row.envelope), ring);
        } catch (error) {
          // The receiver opens nothing (issue 19): a well-formed envelope that does not open is
          // stored, and the inbox's browser shows it as damaged.
          if (!(error instanceof EnvelopeError)) throw error;
          files.push(`damaged/${row.ref}`);
          continue;
        }
        // As the inbox's browser reads it: a request this version reads, or one for review.
        const request = readLeniently(json).request;
        files.push(request ? `inbox/${request.id}.json` : `review/${row.ref}`);
      }
      for (const row of db.prepare('SELECT hash FROM quarantine').all() as { hash: string }[]) files.push(`quarantine/${row.hash}.json`);
    } finally {
      db.close();
    }
  }
  return files.sort();
}

// ------------------------------------------------------------ the Worker

export interface FuzzWorker {
  system: LocalSystem;
  port: number;
  intakeDir: string;
  knownKids: string[];
  publicKeys: { kid: string; publicKey: string }[];
  stop: () => Promise<void>;
}

type PublishedKeys = { keys: { kid: string; publicKey: string }[] };

/** The recipients' identity fingerprints pinned in dist/intake-keys.json (its keys are served live). */
async function pinnedIdentities(): Promise<string[]> {
  try {
    const built = JSON.parse(await readFile('dist/intake-keys.json', 'utf8')) as { recipients?: { identity?: string }[] };
    return (built.recipients ?? []).flatMap((r) => (r.identity ? [r.identity] : []));
  } catch {
    return [];
  }
}

/**
 * dist/ as the fuzzers need it: built with the test intake's identity
 * pinned (as npm test builds it). After `npm start` or `npm run build`,
 * dist/ pins another identity; then this builds the site again, with the
 * test intake, so `npm run fuzz` works from a fresh clone after either
 * command. The keys themselves are read from the running Worker
 * (servedKeys): they come from the statement it was given at start.
 */
export async function ensureTestBuild(log: (line: string) => void): Promise<{ built: boolean }> {
  const intake = await ensureDevIntake(testIntakeDir);
  // The test build pins the test intake (and the hosted development recipient beside it).
  const matches = (pins: string[]) => pins.includes(intake.identity);
  if (matches(await pinnedIdentities())) return { built: false };
  log('fuzz: dist/ is not built with the test intake; building the site with it (as npm test does)…');
  if ((await buildSite({ UTVAG_RECIPIENTS: intake.recipientsFile })) !== 0) throw new Error('the site did not build');
  if (!matches(await pinnedIdentities())) throw new Error('dist/ still does not pin the test intake identity after the build');
  return { built: true };
}

/** The key set as the Worker serves it (/intake-keys.json), the one the browser and the Worker seal to. */
async function servedKeys(url: string): Promise<PublishedKeys> {
  const res = await fetch(`${url}/intake-keys.json`);
  if (!res.ok) throw new Error(`/intake-keys.json answered ${res.status}`);
  const keySet = (await res.json()) as PublishedKeys;
  if (keySet.keys.length === 0) throw new Error('the Worker serves no key (was the key statement published?)');
  return keySet;
}

/**
 * The Worker under wrangler dev on free ports, with its own state folder,
 * and the intake receiver on a temporary copy of the test intake (same
 * keys, empty inbox), so nothing touches another run's folders. Needs
 * dist/ built with the test intake's key.
 */
export async function startFuzzWorker(options: { log?: (line: string) => void; serviceLimitPerMinute?: number } = {}): Promise<FuzzWorker> {
  await ensureTestBuild(options.log ?? ((line) => console.log(line)));
  const root = await mkdtemp(join(tmpdir(), 'utvag-fuzz-'));
  const intakeDir = join(root, 'intake');
  await copyTestIntake(intakeDir);
  const port = await freePort();
  const wranglerConfig = options.serviceLimitPerMinute ? await writeConfigWithServiceLimit(root, options.serviceLimitPerMinute) : undefined;
  const system = await startLocalSystem({
    ...(wranglerConfig ? { wranglerConfig } : {}),
    intakeDir,
    sitePort: port,
    intakePort: await freePort(),
    persistTo: join(root, 'wrangler-state'),
    build: false,
    quiet: true,
  });
  const stop = async () => {
    system.stop();
    await Promise.all(
      system.children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : Promise.resolve())),
    );
    await rm(root, { recursive: true, force: true });
  };
  const keySet = await servedKeys(system.url).catch(async (error: unknown) => (await stop(), Promise.reject(error)));
  return { system, port, intakeDir, knownKids: keySet.keys.map((k) => k.kid), publicKeys: keySet.keys, stop };
}

/** Fuzzes POST /api/contact; then checks the queue stayed empty and the system is alive. */
export async function fuzzContact(
  worker: FuzzWorker,
  options: { seed: number; cases: number; concurrency?: number; timeoutMs?: number; onProgress?: (done: number) => void },
): Promise<RunSummary> {
  const started = performance.now();
  const ctx: ContactFuzzContext = { knownKids: worker.knownKids };
  const failures: Failure[] = [];
  const outcomes: Record<string, number> = {};
  let done = 0;
  await runPool(options.cases, options.concurrency ?? 4, async (index) => {
    const generated = contactCase(options.seed, index, ctx);
    // Each case from an address of its own (benchmarking range, RFC 2544), unless the case sets one:
    // the per-sender limits come before everything else and would otherwise be all that is tested.
    // Consecutive cases are in different /24s (512 of them), so the /24 limit is not reached either.
    const hasAddress = Object.keys(generated.headers).some((name) => name.toLowerCase() === 'cf-connecting-ip');
    const address = `198.${18 + ((index >> 8) & 1)}.${index & 255}.${1 + ((index >> 9) % 254)}`;
    const c = hasAddress ? generated : { ...generated, headers: { ...generated.headers, 'cf-connecting-ip': address } };
    const timeout = c.delivery === 'truncated' ? 3000 : (options.timeoutMs ?? 15_000);
    let outcome = await sendHttp(worker.port, c, timeout);
    // wrangler dev's proxy can lose its connection to the Worker while a concurrent case's body
    // breaks off (isDevProxyLostConnection). A whole, ordinary case is sent once more: a Worker
    // that really fails on it fails again, and the second answer is the one judged.
    const whole = c.delivery !== 'truncated' && (c.body?.length ?? 0) <= WORKER_MAX_BODY_BYTES;
    if (whole && !('error' in outcome) && isDevProxyLostConnection(outcome.answer)) {
      outcomes['dev-proxy-500, sent again'] = (outcomes['dev-proxy-500, sent again'] ?? 0) + 1;
      outcome = await sendHttp(worker.port, c, timeout);
    }
    outcomes[outcomeKey(outcome)] = (outcomes[outcomeKey(outcome)] ?? 0) + 1;
    const problem = checkContactOutcome(c, outcome);
    if (problem) failures.push({ index, kind: c.kind, problem });
    if (++done % 500 === 0) options.onProgress?.(done);
  });

  // Still alive?
  for (const child of worker.system.children) {
    if (child.exitCode !== null) failures.push({ index: -1, kind: 'process', problem: `a process exited with ${child.exitCode}` });
  }
  const health = await fetch(`${worker.system.url}/api/health`).catch(() => null);
  if (!health?.ok)
    failures.push({ index: -1, kind: 'health', problem: `/api/health answered ${health?.status ?? 'nothing'} after the run` });

  // Nothing queued: the consumer batches for up to 1 s, then pushes.
  await sleep(3000);
  const after = await intakeDataFiles(worker.intakeDir);
  if (after.length > 0)
    failures.push({ index: -1, kind: 'queue', problem: `the receiver got ${after.length} file(s): ${after.slice(0, 5).join(', ')}` });

  // Control: one real envelope must arrive, so an empty inbox above means "nothing was queued".
  const control = await sendControlEnvelope(worker);
  if (control) failures.push({ index: -1, kind: 'control', problem: control });

  return {
    target: 'POST /api/contact (Worker under wrangler dev)',
    seed: options.seed,
    cases: options.cases,
    failures,
    outcomes,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * A real envelope from a sender of its own must be answered 202 and reach
 * the receiver; besides it the receiver may hold only `alsoExpected`
 * (request ids), so an empty inbox before means "nothing was queued".
 */
export async function sendControlEnvelope(worker: FuzzWorker, alsoExpected: readonly string[] = []): Promise<string | null> {
  const key = worker.publicKeys[0]!;
  const request = createRequest(sampleAnswers('fuzz control', { needs: [] }));
  const envelope = await sealRequest(request, key);
  const res = await fetch(`${worker.system.url}/api/contact`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': `198.51.100.${1 + (Date.now() % 250)}` },
    body: JSON.stringify(envelope),
  });
  if (res.status !== 202) return `the control envelope was answered ${res.status}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const files = await intakeDataFiles(worker.intakeDir);
    if (files.includes(`inbox/${request.id}.json`)) {
      const others = files.filter((f) => !f.startsWith(`inbox/${request.id}.`) && !alsoExpected.some((id) => f.startsWith(`inbox/${id}.`)));
      return others.length === 0 ? null : `besides the control request the receiver got: ${others.join(', ')}`;
    }
    await sleep(250);
  }
  return 'the control envelope did not reach the receiver within 30 s';
}

// ------------------------------------------------------------ the intake

export interface FuzzIntake {
  dir: string;
  port: number;
  /** The Worker's signing key (JWK text) this receiver trusts, and its recipient id. */
  secret: string;
  recipient: string;
  keys: PrivateKeyRing;
  /** The receiver's store (`<dir>/intake/`). */
  store: IntakeStore;
  knownKids: string[];
  /** base64url of the raw public key of knownKids[0]. */
  publicKey: string;
  stop: () => Promise<void>;
}

/**
 * The push receiver `intake serve` runs (createPushApp on @hono/node-server,
 * its store in `<dir>/intake/`), in this process on a free port, with a
 * fresh key and folder.
 */
export async function startFuzzIntake(): Promise<FuzzIntake> {
  const dir = await mkdtemp(join(tmpdir(), 'utvag-fuzz-intake-'));
  const key = await generateKey(dir, dayAfter(30));
  const keys = keyRing(await loadPrivateKeys(dir));
  const store = IntakeStore.open(join(dir, 'intake'), randomBytes(32));
  // The intake holds the key in its vault (issue 19): it stores what is sealed to it without opening it.
  const {
    kid: _kid,
    notAfter: _notAfter,
    ...privateJwk
  } = JSON.parse(await readFile(key.privateKeyFile, 'utf8')) as PrivateKeyJwk & {
    kid: string;
    notAfter: string;
  };
  await provisionDevVault(store, [{ kid: key.kid, publicKey: key.publicKey, notAfter: key.notAfter, privateJwk }]);
  const worker = await generateSigningKey();
  const receipt = await generateSigningKey();
  const secret = JSON.stringify(worker.privateJwk);
  const pushAuth = await receiverAuth(FUZZ_RECIPIENT, [worker.publicKey], receipt.privateJwk);
  const app = createPushApp({ store, recipients: NO_RECIPIENTS, pushAuth, log: () => undefined });
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ server: s, port: info.port }));
    s.once('error', reject);
  });
  return {
    dir,
    port,
    secret,
    recipient: FUZZ_RECIPIENT,
    keys,
    store,
    knownKids: [key.kid],
    publicKey: key.publicKey,
    stop: async () => {
      (server as HttpServer).closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const FUZZ_RECIPIENT = 'stockholm';
/** Another Worker's key: a forger's, made once per run. */
const otherWorker = generateSigningKey().then((pair) => JSON.stringify(pair.privateJwk));

async function signPush(jwk: string, body: string, now: Date, recipient = FUZZ_RECIPIENT): Promise<Record<string, string>> {
  return (await signPushWithKey(await importSigningKey(jwk), recipient, body, now)).headers;
}

async function intakeHeaders(c: IntakeCase, secret: string): Promise<Record<string, string>> {
  const now = new Date();
  switch (c.sign) {
    case 'none':
      return {};
    case 'valid':
      return signPush(secret, c.body, now);
    case 'stale':
      return signPush(secret, c.body, new Date(now.getTime() - 600_000));
    case 'future':
      return signPush(secret, c.body, new Date(now.getTime() + 600_000));
    case 'wrongSecret':
      return signPush(await otherWorker, c.body, now);
    case 'wrongRecipient':
      return signPush(secret, c.body, now, 'malmo');
    case 'otherBody':
      return signPush(secret, `${c.body} `, now);
    case 'badFormat': {
      const good = await signPush(secret, c.body, now);
      const recipient = { [PUSH_RECIPIENT_HEADER]: FUZZ_RECIPIENT };
      const variants = [
        { ...recipient, [TIMESTAMP_HEADER]: 'abc', [SIGNATURE_HEADER]: good[SIGNATURE_HEADER]! },
        { ...recipient, [TIMESTAMP_HEADER]: good[TIMESTAMP_HEADER]!, [SIGNATURE_HEADER]: good[SIGNATURE_HEADER]!.replace('v2=', 'v1=') },
        { [TIMESTAMP_HEADER]: good[TIMESTAMP_HEADER]!, [SIGNATURE_HEADER]: good[SIGNATURE_HEADER]! },
        // (Surrounding whitespace would not do: HTTP strips it from header values.)
        {
          ...recipient,
          [PUSH_RECIPIENT_HEADER]: `${FUZZ_RECIPIENT}-x`,
          [TIMESTAMP_HEADER]: good[TIMESTAMP_HEADER]!,
          [SIGNATURE_HEADER]: good[SIGNATURE_HEADER]!,
        },
        { ...recipient, [TIMESTAMP_HEADER]: good[TIMESTAMP_HEADER]!, [SIGNATURE_HEADER]: good[SIGNATURE_HEADER]!.slice(0, -2) },
        { ...recipient, [TIMESTAMP_HEADER]: `${good[TIMESTAMP_HEADER]!}0`, [SIGNATURE_HEADER]: good[SIGNATURE_HEADER]! },
        { ...recipient, [TIMESTAMP_HEADER]: '', [SIGNATURE_HEADER]: '' },
        { ...recipient, [TIMESTAMP_HEADER]: ' '.repeat(10) + good[TIMESTAMP_HEADER]!, [SIGNATURE_HEADER]: `${good[SIGNATURE_HEADER]!}=` },
      ];
      return variants[c.index % variants.length]!;
    }
  }
}

/** Documented answers of the receiver (intake/src/receiver/push-app.ts header). */
/** True when `body` is an envelope in its outer form, sealed to one of `knownKids` (all the receiver checks). */
function wellFormedTo(body: string, knownKids: readonly string[]): boolean {
  try {
    return knownKids.includes(parseEnvelope(JSON.parse(body)).kid);
  } catch {
    return false;
  }
}

function checkIntakeOutcome(c: IntakeCase, outcome: Outcome, knownKids: readonly string[]): string | null {
  if ('error' in outcome) {
    // Over the body limit the receiver answers 413 at once and may close while the client still sends.
    if (Buffer.byteLength(c.body) > 64 * 1024 && /ECONNRESET|EPIPE/.test(outcome.error)) return null;
    return `no answer: ${outcome.error}`;
  }
  const { status, body } = outcome.answer;
  let result: string;
  try {
    result = String((JSON.parse(body.toString('utf8')) as { result?: unknown }).result);
  } catch {
    return `${status} with a body that is not JSON`;
  }
  const path = new URL(c.path, 'http://x').pathname;
  if (c.method === 'GET' && path === '/health') return status === 200 && result === 'ok' ? null : `health ${status} ${result}`;
  const signedOk = c.sign === 'valid' && c.method === 'POST' && path === '/push';
  const receipt = (JSON.parse(body.toString('utf8')) as { receipt?: { status?: string } }).receipt;
  if (status === 201 || result === 'stored' || result === 'duplicate') {
    // The receiver opens nothing (issue 19): a signed, well-formed envelope to a key it holds is
    // kept as it came (the browser shows garbage as damaged); anything else never is.
    if (!signedOk || !wellFormedTo(c.body, knownKids)) return `garbage was stored (${status} ${result})`;
    return receipt?.status === result ? null : `stored without its receipt (${status} ${result})`;
  }
  if (receipt) return `a receipt for what was not kept (${status} ${result})`;
  if (c.sign === 'wrongRecipient' && status !== 403 && status !== 404 && status !== 413)
    return `a push for another recipient was answered ${status} ${result}`;
  if (status >= 500) return `${status} ${result}`;
  if (!signedOk && result.startsWith('quarantined')) return `an unauthenticated delivery was kept (${status} ${result})`;
  const allowed: Record<number, RegExp> = {
    404: /^not_found$/,
    413: /^too_large$/,
    401: /^(missing_headers|bad_signature)$/,
    403: /^wrong_recipient$/,
    400: /^(stale_timestamp|bad_envelope|quarantined_unknown_kid)$/,
  };
  if (!allowed[status]?.test(result)) return `undocumented answer ${status} ${result}`;
  if (c.sign === 'stale' || c.sign === 'future') {
    if (status !== 400 && status !== 404 && status !== 413) return `a stale timestamp was answered ${status} ${result}`;
  }
  return null;
}

/** Fuzzes the push receiver: signed and unsigned garbage. */
export async function fuzzIntakeServe(
  intake: FuzzIntake,
  options: { seed: number; cases: number; concurrency?: number },
): Promise<RunSummary> {
  const started = performance.now();
  const ctx: ContactFuzzContext = { knownKids: intake.knownKids };
  const failures: Failure[] = [];
  const outcomes: Record<string, number> = {};
  const quarantinedBodies = new Set<string>();
  const storedBodies = new Set<string>();
  await runPool(options.cases, options.concurrency ?? 4, async (index) => {
    const c = intakeCase(options.seed, index, ctx);
    const headers = { ...c.headers, ...(await intakeHeaders(c, intake.secret)) };
    if (!headers['content-type']) delete headers['content-type'];
    const outcome = await sendHttp(
      intake.port,
      { method: c.method, path: c.path, headers, body: Buffer.from(c.body, 'utf8'), delivery: 'whole' },
      15_000,
    );
    outcomes[outcomeKey(outcome)] = (outcomes[outcomeKey(outcome)] ?? 0) + 1;
    const problem = checkIntakeOutcome(c, outcome, intake.knownKids);
    if (problem) failures.push({ index, kind: c.kind, problem });
    if ('answer' in outcome && outcome.answer.body.toString().includes('quarantined')) quarantinedBodies.add(c.body);
    if ('answer' in outcome && outcome.answer.status === 201) storedBodies.add(c.body);
  });
  const files = await intakeDataFiles(intake.dir);
  const inbox = files.filter((f) => !f.startsWith('quarantine/') && !f.startsWith('damaged/'));
  if (inbox.length > 0) failures.push({ index: -1, kind: 'inbox', problem: `opened as a request: ${inbox.slice(0, 5).join(', ')}` });
  // Each stored garbage envelope is one row, shown as damaged in the inbox: none lost, none twice.
  const damaged = files.filter((f) => f.startsWith('damaged/')).length;
  if (damaged !== storedBodies.size)
    failures.push({
      index: -1,
      kind: 'stored',
      problem: `${damaged} damaged row(s) for ${storedBodies.size} distinct bodies answered "stored"`,
    });
  const quarantined = files.filter((f) => f.startsWith('quarantine/')).length;
  if (quarantined !== quarantinedBodies.size) {
    failures.push({
      index: -1,
      kind: 'quarantine',
      problem: `${quarantined} quarantine file(s) for ${quarantinedBodies.size} distinct signed bodies answered "quarantined"`,
    });
  }
  return {
    target: 'intake serve (push receiver)',
    seed: options.seed,
    cases: options.cases,
    failures,
    outcomes,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Fuzzes openEnvelope and the store's receive directly. */
export async function fuzzOpenAndStore(intake: FuzzIntake, options: { seed: number; cases: number }): Promise<RunSummary> {
  const started = performance.now();
  const ctx: ContactFuzzContext = { knownKids: intake.knownKids };
  const failures: Failure[] = [];
  const outcomes: Record<string, number> = {};
  const count = (key: string) => (outcomes[key] = (outcomes[key] ?? 0) + 1);
  const recipientPublicKey = await importPublicKey(intake.publicKey);
  const kid = intake.knownKids[0]!;
  for (let index = 0; index < options.cases; index++) {
    // Every third case: a real HPKE ciphertext of a wrong plaintext, so opening gets past decryption.
    const input =
      index % 3 === 2
        ? await (async () => {
            const plain = plaintextInput(options.seed, index);
            const sealed = await contactSuite.seal(
              { recipientPublicKey, info: new TextEncoder().encode(HPKE_INFO) },
              new Uint8Array(plain.bytes),
              aadForKid(kid),
            );
            return {
              kind: plain.kind,
              text: JSON.stringify({
                v: 1,
                kid,
                enc: base64urlEncode(new Uint8Array(sealed.enc)),
                ct: base64urlEncode(new Uint8Array(sealed.ct)),
              }),
            };
          })()
        : envelopeInput(options.seed, index, ctx);
    let value: unknown = input.text;
    try {
      value = JSON.parse(input.text);
    } catch {
      // open the text itself
    }
    try {
      await openEnvelope(value, intake.keys);
      failures.push({ index, kind: input.kind, problem: 'openEnvelope accepted garbage' });
    } catch (error) {
      if (error instanceof EnvelopeError) count(`open:${error.code}`);
      else failures.push({ index, kind: input.kind, problem: `openEnvelope threw ${(error as Error).name}, not EnvelopeError` });
    }
    try {
      const result = await intake.store.receive(input.text, NO_RECIPIENTS);
      count(`store:${result.status}`);
      // The server opens nothing (issue 19): it stores exactly the envelopes that are well formed
      // and sealed to a key it holds (the browser shows what does not open as damaged).
      const storable = wellFormedTo(input.text, intake.knownKids);
      if ((result.status === 'stored' || result.status === 'duplicate') !== storable)
        failures.push({ index, kind: input.kind, problem: `receive said ${result.status}` });
    } catch (error) {
      failures.push({ index, kind: input.kind, problem: `receive threw ${(error as Error).name}` });
    }
  }
  const inbox = (await intakeDataFiles(intake.dir)).filter((f) => f.startsWith('inbox/'));
  if (inbox.length > 0) failures.push({ index: -1, kind: 'inbox', problem: `stored as a request: ${inbox.slice(0, 5).join(', ')}` });
  return {
    target: 'openEnvelope / store.receive',
    seed: options.seed,
    cases: options.cases,
    failures,
    outcomes,
    seconds: (performance.now() - started) / 1000,
  };
}

export function describeSummary(s: RunSummary): string {
  const outcomes = Object.entries(s.outcomes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
  const lines = [
    `${s.target}: ${s.cases} cases, seed ${s.seed}, ${s.failures.length} failure(s), ${s.seconds.toFixed(1)} s; answers: ${outcomes}`,
  ];
  for (const f of s.failures.slice(0, 20)) lines.push(`  FAIL case ${f.index} [${f.kind}]: ${f.problem}`);
  if (s.failures.length > 20) lines.push(`  … and ${s.failures.length - 20} more`);
  return lines.join('\n');
}
