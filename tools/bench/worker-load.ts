/**
 * Load on the Worker under wrangler dev (miniflare, this machine, 127.0.0.1
 * only), side by side in one run: the bare Hono route GET /api/health (the
 * baseline), GET of a static page, an invalid POST /api/contact (refused at
 * validation) and a valid one (a sealed envelope: validated, rate-limited,
 * queued, then pushed by the queue consumer to the local intake receiver,
 * which decrypts and stores it). autocannon, bounded in time and
 * connections; every figure also as a ratio to the baseline.
 *
 * The rate limiter allows 10 requests a minute per hashed address. A
 * distinct CF-Connecting-IP is sent with every valid POST; whether
 * wrangler dev passes it through is measured, not assumed: the share of
 * 429 answers is reported.
 */
import { sampleAnswers } from '../dev/sample-request.ts';
import autocannon from 'autocannon';
import { sealRequest } from '../../protocol/envelope.ts';
import { createRequest } from '../../protocol/request.ts';
import { intakeDataFiles, startFuzzWorker, type FuzzWorker } from './fuzz-run.ts';

export interface LoadFigure {
  target: string;
  method: string;
  path: string;
  requests: number;
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** requestsPerSecond / baseline's; p50 and p99 / baseline's. */
  ratio?: { rps: number; p50: number; p99: number };
}

export interface WorkerLoadResult {
  connections: number;
  secondsPerTarget: number;
  figures: LoadFigure[];
  /** Share of valid POSTs answered 429. */
  validRateLimitedShare: number;
  /** Requests the receiver stored during and just after the valid-POST target. */
  storedByReceiver: number;
  /** 15 valid POSTs one after another from one address: the limiter must stop them after 10. */
  rateLimitCheck: { sent: number; accepted: number; limited: number };
}

interface Target {
  target: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  distinctAddress?: boolean;
}

function runAutocannon(url: string, target: Target, connections: number, seconds: number): Promise<autocannon.Result> {
  let counter = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}${target.path}`,
        connections,
        duration: seconds,
        timeout: 10,
        method: target.method,
        headers: target.headers,
        body: target.body,
        requests: target.distinctAddress
          ? [
              {
                setupRequest: (request: autocannon.Request) => {
                  counter++;
                  // TEST-NET and benchmarking ranges only (RFC 5737 / 2544).
                  const address = `198.${18 + ((counter >> 16) & 1)}.${(counter >> 8) & 255}.${counter & 255}`;
                  return { ...request, headers: { ...(request.headers ?? {}), 'cf-connecting-ip': address } };
                },
              },
            ]
          : undefined,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

function figureOf(target: Target, r: autocannon.Result): LoadFigure {
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) statuses[code] = stat.count;
  return {
    target: target.target,
    method: target.method,
    path: target.path,
    requests: r.requests.total,
    requestsPerSecond: Math.round(r.requests.average),
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    statuses,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

/** Requests the receiver stored (its store, not the version-1 file inbox that is gone). */
async function countStored(worker: FuzzWorker): Promise<number> {
  return (await intakeDataFiles(worker.intakeDir)).filter((file) => file.startsWith('inbox/')).length;
}

export async function benchWorker(
  options: { connections?: number; seconds?: number; log?: (line: string) => void } = {},
): Promise<WorkerLoadResult> {
  const connections = options.connections ?? 10;
  const seconds = options.seconds ?? 5;
  const log = options.log ?? (() => undefined);
  // Load through one recipient key: raise the per-recipient and total ceilings, or they are all it measures.
  const worker = await startFuzzWorker({ serviceLimitPerMinute: 1_000_000 });
  try {
    const key = worker.publicKeys[0]!;
    const envelope = await sealRequest(createRequest(sampleAnswers('bench')), key);
    const invalid = { ...envelope, kid: `${envelope.kid.slice(0, -1)}${envelope.kid.endsWith('A') ? 'B' : 'A'}` };
    const json = { 'content-type': 'application/json' };
    const targets: Target[] = [
      { target: 'baseline: GET /api/health (bare Hono route)', method: 'GET', path: '/api/health' },
      { target: 'GET static page /sv/ut/', method: 'GET', path: '/sv/ut/' },
      {
        target: 'POST /api/contact invalid (unknown kid)',
        method: 'POST',
        path: '/api/contact',
        headers: json,
        body: JSON.stringify(invalid),
      },
      {
        target: 'POST /api/contact valid (queued)',
        method: 'POST',
        path: '/api/contact',
        headers: json,
        body: JSON.stringify(envelope),
        distinctAddress: true,
      },
    ];
    // Warm up every route once (first compile, first asset read).
    for (const t of targets) {
      await fetch(`${worker.system.url}${t.path}`, {
        method: t.method,
        headers: { ...t.headers, 'cf-connecting-ip': '192.0.2.1' },
        body: t.body ?? null,
      }).then((r) => r.arrayBuffer());
    }
    const figures: LoadFigure[] = [];
    for (const t of targets) {
      log(`  load: ${t.target} (${seconds} s, ${connections} connections)`);
      figures.push(figureOf(t, await runAutocannon(worker.system.url, t, connections, seconds)));
    }
    const rateLimitCheck = { sent: 15, accepted: 0, limited: 0 };
    for (let i = 0; i < rateLimitCheck.sent; i++) {
      const res = await fetch(`${worker.system.url}/api/contact`, {
        method: 'POST',
        headers: { ...json, 'cf-connecting-ip': '192.0.2.77' },
        body: JSON.stringify(envelope),
      });
      await res.arrayBuffer();
      if (res.status === 202) rateLimitCheck.accepted++;
      if (res.status === 429) rateLimitCheck.limited++;
    }
    // Let the queue consumer push what was queued, then count what was stored (duplicates of one id count once).
    await new Promise((r) => setTimeout(r, 3000));
    const storedByReceiver = await countStored(worker);
    const base = figures[0]!;
    for (const f of figures) {
      f.ratio = {
        rps: Number((f.requestsPerSecond / base.requestsPerSecond).toFixed(2)),
        p50: Number((f.p50ms / Math.max(base.p50ms, 0.001)).toFixed(2)),
        p99: Number((f.p99ms / Math.max(base.p99ms, 0.001)).toFixed(2)),
      };
    }
    const valid = figures[3]!;
    const validTotal = Object.values(valid.statuses).reduce((s, n) => s + n, 0);
    return {
      connections,
      secondsPerTarget: seconds,
      figures,
      validRateLimitedShare: validTotal === 0 ? 0 : Number(((valid.statuses['429'] ?? 0) / validTotal).toFixed(3)),
      storedByReceiver,
      rateLimitCheck,
    };
  } finally {
    await worker.stop();
  }
}
