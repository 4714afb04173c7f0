import { parse } from 'node-html-parser';
import { test, expect } from './fixtures.ts';
import { securityHeaders } from '../../src/security/headers.ts';

async function expectSecurityHeaders(headers: Record<string, string>, what: string): Promise<void> {
  for (const [name, value] of Object.entries(securityHeaders)) {
    expect(headers[name.toLowerCase()], `${name} on ${what}`).toBe(value);
  }
  const csp = headers['content-security-policy'] ?? '';
  expect(csp, what).not.toContain('unsafe-inline');
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(headers['set-cookie'], `no cookie on ${what}`).toBeUndefined();
}

test.describe('security headers on every response', () => {
  // Through the Worker, without a page: the headers are the same whoever asks.
  test('pages, styles, scripts, the sitemap and a 404', async ({ request }) => {
    const home = await request.get('/sv/');
    await expectSecurityHeaders(home.headers(), '/sv/');
    const page = parse(await home.text());
    const assets = [
      ...page.querySelectorAll('link[rel="stylesheet"][href]').map((l) => l.getAttribute('href')!),
      ...page.querySelectorAll('script[src]').map((s) => s.getAttribute('src')!),
    ];
    expect(assets.some((u) => u.endsWith('.css'))).toBe(true);
    expect(assets.some((u) => u.endsWith('.js'))).toBe(true);

    for (const path of [...assets, '/sitemap.xml', '/favicon.svg', '/sv/finns-inte/', '/']) {
      const res = await request.get(path, { maxRedirects: 0 });
      await expectSecurityHeaders(res.headers(), path);
    }
  });

  test('API answers also say no-store', async ({ request }) => {
    for (const path of ['/api/health', '/api/does-not-exist']) {
      const res = await request.get(path);
      await expectSecurityHeaders(res.headers(), path);
      expect(res.headers()['cache-control']).toBe('no-store');
      expect(res.headers()['content-type']).toContain('application/json');
    }
  });
});
