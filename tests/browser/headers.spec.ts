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
  test('pages, styles, scripts, the sitemap and a 404', async ({ page, request }) => {
    const responses: { url: string; headers: Record<string, string> }[] = [];
    page.on('response', async (r) => responses.push({ url: r.url(), headers: await r.allHeaders() }));
    await page.goto('/sv/');
    await page.waitForLoadState('networkidle');
    const kinds = responses.map((r) => r.url);
    expect(kinds.some((u) => u.endsWith('.css'))).toBe(true);
    expect(kinds.some((u) => u.endsWith('.js'))).toBe(true);
    for (const r of responses) await expectSecurityHeaders(r.headers, r.url);

    for (const path of ['/sitemap.xml', '/favicon.svg', '/sv/finns-inte/', '/']) {
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
