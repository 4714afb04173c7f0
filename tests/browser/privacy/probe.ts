/**
 * The privacy probe of the browser tests (tests/browser/page-audit.spec.ts
 * on every sampled page, tests/browser/privacy/ for the contact form):
 *
 *  - zero storage writes: an init script wraps Storage.prototype.setItem,
 *    indexedDB.open, caches.open, the document.cookie setter and
 *    navigator.serviceWorker.register and only counts calls (no arguments,
 *    no data are recorded); web storage must also be empty afterwards,
 *  - zero cookies (context.cookies() and document.cookie),
 *  - zero Content-Security-Policy violations (securitypolicyviolation
 *    events, collected by the init script: directive and blocked URL kind),
 *  - zero requests to any host but the site's own.
 */
import type { BrowserContext, Page, Request } from '@playwright/test';
import { expect } from '../fixtures.ts';

export interface ProbeReport {
  storageWrites: Record<string, number>;
  cspViolations: { directive: string; blocked: string; source: string }[];
}

/** Runs in every frame before any page script. Counts; records no data. */
export function installPrivacyProbe(): void {
  const counts: Record<string, number> = {
    'Storage.setItem': 0,
    'indexedDB.open': 0,
    'caches.open': 0,
    'document.cookie=': 0,
    'serviceWorker.register': 0,
  };
  const violations: { directive: string; blocked: string; source: string }[] = [];
  const bump = (name: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  const wrap = (target: object | undefined | null, key: string, name: string) => {
    if (!target) return;
    const original = (target as Record<string, unknown>)[key];
    if (typeof original !== 'function') return;
    Object.defineProperty(target, key, {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]) {
        bump(name);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      },
    });
  };
  wrap(Storage.prototype, 'setItem', 'Storage.setItem');
  if (typeof IDBFactory !== 'undefined') wrap(IDBFactory.prototype, 'open', 'indexedDB.open');
  if (typeof CacheStorage !== 'undefined') wrap(CacheStorage.prototype, 'open', 'caches.open');
  if (typeof ServiceWorkerContainer !== 'undefined') wrap(ServiceWorkerContainer.prototype, 'register', 'serviceWorker.register');
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (cookie?.set && cookie.get) {
    const { get, set } = cookie;
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true,
      get() {
        return get.call(this);
      },
      set(value: string) {
        bump('document.cookie=');
        set.call(this, value);
      },
    });
  }
  document.addEventListener('securitypolicyviolation', (event) => {
    const blocked = event.blockedURI;
    violations.push({
      directive: event.effectiveDirective || event.violatedDirective,
      // The kind of thing blocked, not its contents.
      blocked: /^(inline|eval|wasm-eval|trusted-types-policy|trusted-types-sink)$/.test(blocked)
        ? blocked
        : blocked
          ? new URL(blocked, location.href).origin
          : '',
      source: event.sourceFile ? new URL(event.sourceFile, location.href).pathname : '',
    });
  });
  Object.defineProperty(window, '__utvagPrivacyProbe', {
    value: () => ({ storageWrites: { ...counts }, cspViolations: [...violations] }),
    enumerable: false,
  });
}

export async function probe(page: Page): Promise<ProbeReport> {
  return page.evaluate(() => (window as unknown as { __utvagPrivacyProbe: () => ProbeReport }).__utvagPrivacyProbe());
}

const noWrites = {
  'Storage.setItem': 0,
  'indexedDB.open': 0,
  'caches.open': 0,
  'document.cookie=': 0,
  'serviceWorker.register': 0,
};

export async function expectNothingKept(page: Page, context: BrowserContext, where: string): Promise<void> {
  const report = await probe(page);
  expect(report.storageWrites, `storage writes on ${where}`).toEqual(noWrites);
  expect(report.cspViolations, `CSP violations on ${where}`).toEqual([]);
  const state = await page.evaluate(() => ({
    cookie: document.cookie,
    local: localStorage.length,
    session: sessionStorage.length,
  }));
  expect(state, `cookies and web storage on ${where}`).toEqual({ cookie: '', local: 0, session: 0 });
  expect(await context.cookies(), `cookies on ${where}`).toEqual([]);
}

export function foreignRequests(requests: Request[], ownHost: string): string[] {
  return requests
    .map((r) => r.url())
    .filter((url) => /^(https?|wss?):/.test(url) && new URL(url).host !== ownHost)
    .map((url) => new URL(url).origin);
}
