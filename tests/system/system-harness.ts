/**
 * The real parts for the system tests, started as child processes on
 * 127.0.0.1 and always stopped again:
 *
 *  - an intake folder of its own per test, holding a COPY of the test
 *    intake's private key (.dev-intake-test/keys/), so the Worker (which
 *    accepts only kids it serves: those of the statement it signs) and
 *    the receiver agree, and inboxes of different tests never mix;
 *  - `intake serve` (intake/src/cli.ts) as its own process, with its
 *    answers read from its log lines ("push: 201 stored");
 *  - the Worker under `wrangler dev` via startLocalSystem, with its own
 *    --persist-to folder and its own env file, running a FROZEN copy of the
 *    Worker: bundled once per run by wrangler itself (`wrangler deploy
 *    --dry-run`) from functions/, serving a snapshot of dist/, with a
 *    config generated from the real wrangler.jsonc. wrangler dev reloads the
 *    Worker whenever its sources or dist/ change, and such a reload in the
 *    middle of a test drops what the local queue holds; on a machine where
 *    others edit and rebuild at the same time, only a frozen copy gives
 *    results that mean something.
 *
 * Nothing here logs a request's contents, a receipt code or an address.
 */
import { sampleAnswers } from '../../tools/dev/sample-request.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { base64urlEncode, EnvelopeError, publicKeyFromPrivateJwk, sealRequest, type RecipientPublicKey } from '../../protocol/envelope.ts';
import { createRequest, type ContactRequest } from '../../protocol/request.ts';
import { ensureDevIntake, type DevIntake } from '../../tools/dev/dev-keys.ts';
import { startLocalSystem, type LocalSystem } from '../../tools/dev/local-system.ts';
import { projectEnv, run } from '../../tools/dev/run.ts';
import { copyTestIntake, testIntakeDir } from '../../tools/dev/test-intake.ts';
import { importSigningKey, signPush as signPushWithKey } from '../../protocol/push-auth.ts';
import { ensureDevStore } from '../../tools/dev/dev-store.ts';
import { loadPrivateKeys } from '../../tools/dev/plain-keys.ts';
import { DATABASE_FILE } from '../../intake/src/store.ts';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, inject } from 'vitest';
import { keyRing, openEnvelope } from '../../protocol/envelope-open.ts';

// ------------------------------------------------------------ child processes

/** Every child started here, so a test's cleanup can stop what is still running. */
const running = new Set<ChildProcess>();

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every child this module (or startLocalSystem through it) started. Use in afterEach. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
  running.clear();
}

function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

// ------------------------------------------------------------------- ports

/** The system tests' port range; others on this machine may hold some of these. */
export const PORT_RANGE = { first: 8830, last: 8860 } as const;
const handedOut = new Set<number>();

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * `count` ports from PORT_RANGE that nothing listens on now and that this
 * file has not used before (so a port just given up is never reused).
 */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let port = PORT_RANGE.first; port <= PORT_RANGE.last && ports.length < count; port++) {
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await isFree(port)) ports.push(port);
  }
  if (ports.length < count) throw new Error(`fewer than ${count} free ports left in ${PORT_RANGE.first}–${PORT_RANGE.last}`);
  return ports;
}

// ------------------------------------------------------------------ intake

/** The test intake's public key (kid and raw point), from its private key file. */
async function keyOfFolder(dir: string): Promise<{ key: RecipientPublicKey; file: string }> {
  const keysDir = join(dir, 'keys');
  const names = (await readdir(keysDir)).filter((name) => name.endsWith('.private.jwk.json'));
  if (names.length !== 1) throw new Error(`expected one private key in ${keysDir}, found ${names.length}`);
  const file = join(keysDir, names[0]!);
  const jwk = JSON.parse(await readFile(file, 'utf8')) as Parameters<typeof publicKeyFromPrivateJwk>[0] & { kid: string };
  return { key: { kid: jwk.kid, publicKey: base64urlEncode(publicKeyFromPrivateJwk(jwk)) }, file };
}

export interface IntakeCopy {
  /** Temp root for this test: the intake folder and wrangler's state live under it. */
  root: string;
  /** The intake folder given to `intake serve --dir`. */
  dir: string;
  /** The test intake's public key, as served at /intake-keys.json (from its signed statement). */
  key: RecipientPublicKey;
  /** This test's development Worker signing key (JWK text), its public key, and the receiver's recipient id. */
  workerSigningKey: string;
  workerPublicKey: string;
  recipient: string;
  /** A key statement signed by the test intake's identity key (its current keys unless given). */
  keyStatement: DevIntake['keyStatement'];
  /** The hosted development recipient (its inbox a Durable Object of the Worker): its keys and identity. */
  hosted: DevIntake['hosted'];
  cleanup: () => Promise<void>;
}

/** A fresh intake folder with a copy of the test intake's private key and a push secret of its own. */
export async function makeIntakeCopy(): Promise<IntakeCopy> {
  const root = await mkdtemp(join(tmpdir(), 'utvag-system-'));
  const dir = join(root, 'intake');
  // Same key; recipients.json and a push secret of this folder's own.
  const { workerSigningKey, workerPublicKey, recipient, keyStatement, hosted } = await copyTestIntake(dir);
  const { key } = await keyOfFolder(dir);
  return {
    root,
    dir,
    key,
    workerSigningKey,
    workerPublicKey,
    recipient,
    keyStatement,
    hosted,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

// ------------------------------------------------------------ frozen Worker

/** JSONC as wrangler reads it: comments and trailing commas removed (strings left alone). */
export function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out += text.slice(i, end + 1);
      i = end;
    } else if (char === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else {
      out += char;
    }
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

export interface FrozenWorker {
  /** The generated wrangler config for `wrangler dev -c`. */
  configPath: string;
  /** The snapshot of dist/ it serves. */
  distDir: string;
  cleanup: () => Promise<void>;
}

/** The identity fingerprints the built key set pins (the Worker serves their statements' keys). */
async function pinnedIdentities(distDir: string): Promise<string[]> {
  try {
    const keySet = JSON.parse(await readFile(join(distDir, 'intake-keys.json'), 'utf8')) as { recipients?: { identity?: string }[] };
    return (keySet.recipients ?? []).flatMap((entry) => (entry.identity ? [entry.identity] : []));
  } catch {
    return [];
  }
}

/** What freezeWorker makes once per run: the dist/ snapshot, the bundle, and the config both were made with. */
interface FrozenBundle {
  distDir: string;
  entry: string;
  config: Record<string, unknown>;
}

/**
 * Snapshots dist/ (waiting out a rebuild by someone else, bounded) and
 * bundles the Worker with wrangler into `root`, once: a later call with the
 * same root (another test file of the same run, see global-setup.ts) reads
 * what the first one made. System test files run one at a time, so two
 * never make it at once.
 */
async function frozenBundle(root: string): Promise<FrozenBundle> {
  const made = join(root, 'frozen.json');
  const existing = await readFile(made, 'utf8').catch(() => undefined);
  if (existing) return JSON.parse(existing) as FrozenBundle;

  const { identity } = await ensureDevIntake(testIntakeDir);
  const dist = join(root, 'dist');
  for (let attempt = 1; ; attempt++) {
    await rm(dist, { recursive: true, force: true });
    if ((await pinnedIdentities('dist')).includes(identity)) {
      await cp('dist', dist, { recursive: true }).catch(() => undefined);
      const complete =
        (await pinnedIdentities(dist)).includes(identity) && (await readdir(dist).catch((): string[] => [])).includes('404.html');
      if (complete) break;
    }
    if (attempt === 10) {
      throw new Error(
        `dist/ does not pin the test intake's identity ${identity} (or is being rebuilt): build the site with ` +
          `UTVAG_RECIPIENTS=${testIntakeDir}/recipients.json first (npm test does).`,
      );
    }
    await sleep(3000);
  }

  const base = parseJsonc(await readFile('wrangler.jsonc', 'utf8')) as Record<string, unknown> & { assets?: Record<string, unknown> };
  const { $schema: _schema, ...config } = base;
  const withSnapshot: Record<string, unknown> = {
    ...config,
    main: resolve(String(config['main'])),
    assets: { ...base.assets, directory: dist },
  };
  const bundleConfig = join(root, 'wrangler.bundle.json');
  await writeFile(bundleConfig, JSON.stringify(withSnapshot, null, 2));
  const bundleDir = join(root, 'bundle');
  const code = await run('wrangler', ['deploy', '--dry-run', '--outdir', bundleDir, '-c', bundleConfig], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (code !== 0) throw new Error(`wrangler could not bundle the Worker (exit ${code})`);
  const entry = (await readdir(bundleDir)).find((name) => name.endsWith('.js'));
  if (!entry) throw new Error('wrangler wrote no bundle');
  const frozen: FrozenBundle = { distDir: dist, entry: join(bundleDir, entry), config: withSnapshot };
  await writeFile(made, JSON.stringify(frozen));
  return frozen;
}

/**
 * A frozen Worker: the dist/ snapshot and the bundle, made once per run of
 * the system tests (the root comes from tests/system/global-setup.ts; run
 * outside it, each call makes its own), and a config of its own that runs
 * exactly that bundle, unbundled, with the real wrangler.jsonc's bindings,
 * queue and rate-limit settings (the ratelimits binding is configuration,
 * not code: the bundle is the same whatever the limits). The snapshot must
 * publish the test intake's kid (npm test builds dist/ with it).
 */
export async function freezeWorker(options: { serviceLimitPerMinute?: number } = {}): Promise<FrozenWorker> {
  const shared = inject('frozenWorkerRoot');
  const own = await mkdtemp(join(tmpdir(), 'utvag-system-worker-'));
  const cleanup = () => rm(own, { recursive: true, force: true });
  try {
    const { distDir, entry, config } = await frozenBundle(shared ?? own);
    const withLimits: Record<string, unknown> = { ...config };
    if (options.serviceLimitPerMinute) {
      // A burst test measures delivery, not the per-recipient and total ceilings: raise those two only.
      const limits = (config['ratelimits'] as { name: string; simple: { limit: number; period: number } }[]).map((binding) =>
        binding.name === 'CONTACT_RATE_LIMIT'
          ? binding
          : { ...binding, simple: { ...binding.simple, limit: options.serviceLimitPerMinute! } },
      );
      withLimits['ratelimits'] = limits;
    }
    const configPath = join(own, 'wrangler.json');
    await writeFile(configPath, JSON.stringify({ ...withLimits, main: entry, no_bundle: true }, null, 2));
    return { configPath, distDir, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Reads the store of a test intake (its running folder `<dir>/intake`), read-only. */
function withStore<T>(dir: string, read: (db: DatabaseSync) => T): T | null {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(join(dir, 'intake', DATABASE_FILE), { readOnly: true });
  } catch {
    return null; // not created yet
  }
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** Every request in the store, decrypted here with the test key (the store holds only envelopes). */
export async function storedRequests(dir: string): Promise<ContactRequest[]> {
  return (await openedRows(dir)).flatMap((row) => (row.request ? [row.request] : []));
}

/**
 * Every stored row opened as the inbox's browser opens it (the receiver
 * opens nothing, issue 19): the request, or null for a row that does not
 * open (a well-formed envelope sealed to a key this intake does not hold),
 * which the inbox shows as damaged.
 */
async function openedRows(dir: string): Promise<{ ref: string; request: ContactRequest | null }[]> {
  const rows =
    withStore(dir, (db) => db.prepare('SELECT ref, body AS envelope FROM envelopes').all() as { ref: string; envelope: string }[]) ?? [];
  const ring = keyRing(await loadPrivateKeys(dir));
  return Promise.all(
    rows.map(async (row) => ({
      ref: row.ref,
      request: await openEnvelope(JSON.parse(row.envelope), ring).catch((error: unknown) => {
        if (error instanceof EnvelopeError) return null;
        throw error;
      }),
    })),
  );
}

/** The stored request with this id, or null. */
export async function storedRequest(dir: string, id: string): Promise<ContactRequest | null> {
  return (await storedRequests(dir)).find((request) => request.id === id) ?? null;
}

/**
 * What the store holds, as "requests/<request id>", "damaged/<ref>" and "quarantine/<sha256>",
 * sorted: the system tests' view of "everything that was kept".
 */
export async function dataFiles(dir: string): Promise<string[]> {
  const quarantined = withStore(dir, (db) => db.prepare('SELECT hash FROM quarantine').all() as { hash: string }[]) ?? [];
  const rows = (await openedRows(dir)).map((row) => (row.request ? `requests/${row.request.id}` : `damaged/${row.ref}`));
  return [...rows, ...quarantined.map((q) => `quarantine/${q.hash}`)].sort();
}

/** Request ids committed in the store. */
export async function inboxIds(dir: string): Promise<string[]> {
  return (await storedRequests(dir)).map((request) => request.id).sort();
}

function storedCount(dir: string): number {
  return withStore(dir, (db) => (db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n) ?? 0;
}

/**
 * Polls the store until it holds at least `count` requests or `timeoutMs`
 * passes; returns the ids found either way (the test asserts). Counts
 * first, and decrypts only at the end.
 */
export async function waitForInbox(dir: string, count: number, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (storedCount(dir) >= count || Date.now() >= deadline) return inboxIds(dir);
    await sleep(250);
  }
}

/** Polls `condition` every 100 ms until it is true or `timeoutMs` passes; returns its last value. */
export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/** `promise`'s value, or `fallback` if it has not settled within `timeoutMs`. */
export async function within<T, F>(promise: Promise<T>, timeoutMs: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), timeoutMs)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// --------------------------------------------------------------- envelopes

/** A valid request with made-up contents (no real person), numbered so each one differs. */
export function testRequest(n = 0): ContactRequest {
  return createRequest(sampleAnswers(`Systemtest ${n}`));
}

/** The envelope JSON text, sealed in Node exactly as the browser seals it. */
export async function sealedBody(key: RecipientPublicKey, request: ContactRequest): Promise<string> {
  return JSON.stringify(await sealRequest(request, key));
}

/** POSTs an envelope to the Worker's /api/contact as the browser does; `address` becomes CF-Connecting-IP. */
export async function postEnvelope(siteUrl: string, body: string, address = '192.0.2.1'): Promise<number> {
  const response = await fetch(`${siteUrl}/api/contact`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': address },
    body,
  });
  await response.body?.cancel();
  return response.status;
}

/** POSTs the no-JavaScript form to the Worker as a browser does from the site's own page (303 to the receipt, or the form again). */
export function postContactForm(siteUrl: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${siteUrl}/api/contact`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: siteUrl, 'sec-fetch-site': 'same-origin' },
  });
}

/** POSTs straight at a receiver, as the Worker's consumer would (or a forger). */
export async function postPush(receiverPort: number, body: string, headers: Record<string, string>): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${receiverPort}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  await response.body?.cancel();
  return response.status;
}

/** Push headers as the Worker makes them, with `signingKeyJwk`, for `recipient`. */
export async function signPush(signingKeyJwk: string, recipient: string, body: string, now?: Date): Promise<Record<string, string>> {
  return (await signPushWithKey(await importSigningKey(signingKeyJwk), recipient, body, now)).headers;
}

// ---------------------------------------------------------------- receiver

export interface Receiver {
  child: ChildProcess;
  port: number;
  /** The receiver's answers so far, from its log lines: "201 stored", "200 duplicate", … */
  answers: () => string[];
  /** Resolves with the signal (e.g. 'SIGKILL') or exit code when the process ends. */
  exited: Promise<string | number | null>;
}

/**
 * Starts the real `intake serve` with its push receiver on
 * 127.0.0.1:`port` (the inbox on any free port) and waits until it listens.
 * `crashBeforeCommit` runs it through tools/test/crashing-intake.ts, so the
 * process SIGKILLs itself inside the transaction that stores a request.
 */
export async function startReceiver(options: {
  dir: string;
  port: number;
  intake: Pick<IntakeCopy, 'workerPublicKey' | 'recipient'>;
  crashBeforeCommit?: boolean;
}): Promise<Receiver> {
  const env: Record<string, string> = { INTAKE_WORKER_PUBLIC_KEYS: options.intake.workerPublicKey };
  // The running intake folder inside the test's copy: wrapped keys, the store.
  const store = await ensureDevStore(options.dir);
  const args = [
    'serve',
    '--dir',
    store.dir,
    '--push-port',
    String(options.port),
    '--port',
    '0',
    '--recipient',
    options.intake.recipient,
    '--recipients',
    store.recipientsFile,
  ];
  // The crash tests run the CLI through its test-only entry, whose store dies before COMMIT.
  const child = spawn('node', [options.crashBeforeCommit ? 'tools/test/crashing-intake.ts' : 'intake/src/cli.ts', ...args], {
    env: projectEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<string | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const listening = await Promise.race([
    waitUntil(() => output.includes(`127.0.0.1:${options.port}/push`), 60_000),
    exited.then(() => false),
  ]);
  if (!listening) {
    await stopChild(child);
    // The receiver's own output says only what failed (no request data exists yet).
    throw new Error(`intake serve did not start on port ${options.port}: ${output.trim()}`);
  }
  const answers = () => [...output.matchAll(/^push: (\d{3} \w+)$/gm)].map((match) => match[1]!);
  return { child, port: options.port, answers, exited };
}

// ------------------------------------------------------------------ Worker

export interface WorkerSystem extends LocalSystem {
  /** wrangler's and the Worker's output so far (log level 'log'). */
  output: () => string;
}

/**
 * The real Worker under `wrangler dev` (queue producer and push consumer,
 * rate limiter, assets), frozen by freezeWorker, routing every kid of `intake` to
 * 127.0.0.1:`intakePort`. The receiver is NOT started: tests start it
 * with startReceiver when they want it.
 */
export async function startWorker(
  intake: IntakeCopy,
  frozen: FrozenWorker,
  options: {
    sitePort: number;
    intakePort: number;
    extraWorkerEnv?: Record<string, string>;
    publishKeyStatement?: boolean;
    /** The hosted development inbox too (startLocalSystem's hostedInbox): its vault and statement, and a link. */
    hostedInbox?: { recipient: string; staff: string };
  },
): Promise<WorkerSystem> {
  let output = '';
  const system = await startLocalSystem({
    intakeDir: intake.dir,
    sitePort: options.sitePort,
    intakePort: options.intakePort,
    persistTo: join(intake.root, 'wrangler-state'),
    build: false,
    quiet: true,
    startReceiver: false,
    wranglerConfig: frozen.configPath,
    ...(options.extraWorkerEnv ? { extraWorkerEnv: options.extraWorkerEnv } : {}),
    ...(options.publishKeyStatement === false ? { publishKeyStatement: false } : {}),
    ...(options.hostedInbox ? { hostedInbox: options.hostedInbox } : {}),
    onWorkerOutput: (text) => (output += text),
  });
  for (const child of system.children) track(child);
  return { ...system, output: () => output };
}

/**
 * What the queue did so far, from wrangler's count-only lines
 * ("QUEUE utvag-intake 7/10"): batches run, messages acked, messages handed over.
 */
export function queueSummary(workerOutput: string): { batches: number; acked: number; handed: number; retried: number } {
  const batches = [...workerOutput.matchAll(/QUEUE utvag-intake (\d+)\/(\d+)/g)];
  return {
    batches: batches.length,
    acked: batches.reduce((sum, match) => sum + Number(match[1]), 0),
    handed: batches.reduce((sum, match) => sum + Number(match[2]), 0),
    retried: retriedCount(workerOutput),
  };
}

/** The receiver's answers counted by kind, e.g. {"201 stored": 998, "500 storage_failed": 2}. */
export function countAnswers(answers: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) counts[answer] = (counts[answer] ?? 0) + 1;
  return counts;
}

/** How many messages the Worker's consumer has sent back for retry, from its count-only log lines. */
export function retriedCount(workerOutput: string): number {
  return [...workerOutput.matchAll(/intake push: \d+ delivered, (\d+) to retry/g)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/**
 * For a test file that needs one Worker and one copy of the development
 * intake for all its tests: registers their start (beforeAll) and their
 * stop (afterAll), and gives them to the tests once started.
 */
export function oneWorkerForTheseTests(options: Pick<Parameters<typeof startWorker>[2], 'publishKeyStatement' | 'hostedInbox'> = {}): {
  frozen: () => FrozenWorker;
  intake: () => IntakeCopy;
  worker: () => WorkerSystem;
} {
  let frozen: FrozenWorker | undefined;
  let intake: IntakeCopy | undefined;
  let worker: WorkerSystem | undefined;
  beforeAll(async () => {
    frozen = await freezeWorker();
    intake = await makeIntakeCopy();
    const [sitePort, intakePort] = await freePorts(2);
    worker = await startWorker(intake, frozen, { sitePort: sitePort!, intakePort: intakePort!, ...options });
  });
  afterAll(async () => {
    await stopAllChildren();
    await frozen?.cleanup();
    await intake?.cleanup();
  });
  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`${name} is not started: use it inside a test`);
    return value;
  };
  return {
    frozen: () => started(frozen, 'the Worker'),
    intake: () => started(intake, 'the intake copy'),
    worker: () => started(worker, 'the Worker'),
  };
}
