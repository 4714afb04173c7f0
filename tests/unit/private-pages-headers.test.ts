/**
 * The pages that hold a person's secrets are never cached (review M11, N10):
 * the contact pages and the answer page (/svar/), in every language.
 */
import { describe, expect, it } from 'vitest';
import { localeCodes } from '../../protocol/locales.ts';
import { renderHeadersFile } from '../../src/security/headers.ts';

/** The headers the `_headers` file gives one path: every block whose pattern matches it. */
function headersFor(file: string, path: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let matches = false;
  for (const line of file.split('\n')) {
    if (!line.startsWith(' ') && line.trim()) {
      const pattern = new RegExp(
        `^${line
          .trim()
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')}$`,
      );
      matches = pattern.test(path);
    } else if (matches && line.includes(':')) {
      const at = line.indexOf(':');
      headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
    }
  }
  return headers;
}

describe('no-store on the pages that hold a secret', () => {
  const file = renderHeadersFile(localeCodes);
  it.each(localeCodes)('/%s/kontakt/, its receipt and /%s/svar/ are no-store', (locale) => {
    for (const path of [`/${locale}/kontakt/`, `/${locale}/kontakt/skickat/`, `/${locale}/svar/`]) {
      expect(headersFor(file, path)['cache-control'], path).toBe('no-store');
    }
  });

  it('other pages are not (they may be cached)', () => {
    expect(headersFor(file, '/sv/')['cache-control']).toBeUndefined();
    expect(headersFor(file, '/sv/hjalp/stockholm/')['cache-control']).toBeUndefined();
  });
});
