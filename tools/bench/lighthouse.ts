/**
 * Lighthouse (mobile: the default config's Moto G Power emulation, slow 4G
 * and 4× CPU slowdown, simulated) on the site served by the Worker under
 * wrangler dev, in the same Chromium as the browser tests ($CHROMIUM_PATH
 * or /usr/bin/chromium, the flags of playwright.config.ts, headless).
 *
 * Offline: Lighthouse itself makes no update checks as a library; Chromium
 * gets --proxy-server pointing at a local sink that counts and refuses
 * every connection, so any request to another host (Chromium's own
 * background traffic included; loopback bypasses the proxy) cannot leave
 * the machine and is counted. The LHR's network-requests list is checked
 * to contain 127.0.0.1 URLs only.
 */
import { chromiumExecutablePath, chromiumFlags } from '../dev/chromium.ts';
import { createServer, type Socket } from 'node:net';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

export interface LighthouseFigure {
  page: string;
  scores: { performance: number; accessibility: number; bestPractices: number; seo: number };
  lcpMs: number;
  tbtMs: number;
  cls: number;
  transferredBytes: number;
  requests: number;
  /** URLs the page loaded that were not on 127.0.0.1 (must be none). */
  foreignRequests: string[];
}

export interface LighthouseResult {
  chromium: string;
  lighthouseVersion: string;
  formFactor: string;
  throttling: string;
  figures: LighthouseFigure[];
  /** Connections Chromium tried to make to other hosts, caught and refused by the local proxy sink. */
  blockedExternalConnections: number;
  /** Which hosts those were for, with counts. */
  blockedExternalHosts: Record<string, number>;
}

/** Less background traffic from Chromium itself (what is left is caught by the proxy sink). */
const quietChromiumFlags = [
  '--no-pings',
  '--disable-breakpad',
  '--disable-field-trial-config',
  '--disable-features=OptimizationHints,OptimizationHintsFetching,OptimizationGuideModelDownloading,MediaRouter,DialMediaRouteProvider,Translate,AutofillServerCommunication,InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater',
];

export function chromiumPath(): string {
  const path = chromiumExecutablePath();
  if (!path) throw new Error("No Chromium: set CHROMIUM_PATH or install Debian's chromium");
  return path;
}

async function proxySink(): Promise<{
  port: number;
  count: () => number;
  hosts: () => Record<string, number>;
  close: () => Promise<void>;
}> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const hosts = new Map<string, number>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', (chunk: Buffer) => {
      // Only the host asked for (CONNECT host:port, or the absolute URL's host); nothing else is kept.
      const target = /^[A-Z]+ (\S+)/.exec(chunk.toString('latin1'))?.[1] ?? '?';
      const host = target.includes('://') ? new URL(target).host : target;
      hosts.set(host, (hosts.get(host) ?? 0) + 1);
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    count: () => connections,
    hosts: () => Object.fromEntries(hosts),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export async function benchLighthouse(
  baseUrl: string,
  pages: string[],
  log: (line: string) => void = () => undefined,
): Promise<LighthouseResult> {
  const sink = await proxySink();
  const chromePath = chromiumPath();
  const chrome = await chromeLauncher.launch({
    chromePath,
    chromeFlags: [...chromiumFlags, ...quietChromiumFlags, '--headless=new', `--proxy-server=http://127.0.0.1:${sink.port}`],
    logLevel: 'silent',
  });
  const figures: LighthouseFigure[] = [];
  let lighthouseVersion = '';
  let formFactor = '';
  let throttling = '';
  try {
    for (const page of pages) {
      log(`  lighthouse: ${page}`);
      const result = await lighthouse(`${baseUrl}${page}`, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
      });
      if (!result) throw new Error(`Lighthouse gave no result for ${page}`);
      const lhr = result.lhr;
      if (lhr.runtimeError) throw new Error(`Lighthouse on ${page}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      lighthouseVersion = lhr.lighthouseVersion;
      formFactor = lhr.configSettings.formFactor;
      const t = lhr.configSettings.throttling;
      throttling = `${lhr.configSettings.throttlingMethod}: RTT ${t.rttMs} ms, ${Math.round(((t.throughputKbps ?? 0) / 1024) * 10) / 10} Mbit/s, CPU ×${t.cpuSlowdownMultiplier}`;
      const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
      const numeric = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
      const items = (lhr.audits['network-requests']?.details as { items?: { url: string }[] } | undefined)?.items ?? [];
      figures.push({
        page,
        scores: {
          performance: score('performance'),
          accessibility: score('accessibility'),
          bestPractices: score('best-practices'),
          seo: score('seo'),
        },
        lcpMs: Math.round(numeric('largest-contentful-paint')),
        tbtMs: Math.round(numeric('total-blocking-time')),
        cls: Number(numeric('cumulative-layout-shift').toFixed(3)),
        transferredBytes: Math.round(numeric('total-byte-weight')),
        requests: items.length,
        foreignRequests: items.map((i) => i.url).filter((url) => /^(https?|wss?):/.test(url) && new URL(url).hostname !== '127.0.0.1'),
      });
    }
  } finally {
    chrome.kill();
    await sink.close();
  }
  return {
    chromium: chromePath,
    lighthouseVersion,
    formFactor,
    throttling,
    figures,
    blockedExternalConnections: sink.count(),
    blockedExternalHosts: sink.hosts(),
  };
}
