import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localeCodes } from '../../protocol/locales.ts';
import { MAX_LIX_SWEDISH, checkContent, maxAverageSentenceWords } from '../../src/guidance/check-content.ts';
import { sourceHash, translationState, translationStatus } from '../../src/guidance/translation-status.ts';

const result = checkContent();

describe('guidance content', () => {
  it('has Swedish pages', () => {
    expect(result.rows.filter((row) => row.locale === 'sv').length).toBeGreaterThan(0);
  });

  it(`keeps every Swedish page at LIX ≤ ${MAX_LIX_SWEDISH}`, () => {
    const tooHard = result.rows
      .filter((row) => row.locale === 'sv' && row.lix > MAX_LIX_SWEDISH)
      .map((row) => `${row.slug}: LIX ${row.lix.toFixed(1)}`);
    expect(tooHard).toEqual([]);
  });

  it('keeps the average sentence length within each locale’s limit', () => {
    const tooLong = result.rows
      .filter((row) => row.averageSentenceLength > maxAverageSentenceWords(row.locale))
      .map((row) => `${row.locale}/${row.slug}: ${row.averageSentenceLength.toFixed(1)} words`);
    expect(tooLong).toEqual([]);
  });

  it('has every Swedish page in every locale', () => {
    expect(result.missing).toEqual([]);
  });

  it('has no other content problems (front matter matches the page schema)', () => {
    expect(result.problems.filter((problem) => !problem.includes('is missing'))).toEqual([]);
  });
});

describe('translation status', () => {
  const rows = translationStatus();

  it('lists every Swedish page for every locale', () => {
    const slugs = new Set(rows.map((row) => row.slug));
    expect(rows).toHaveLength(slugs.size * localeCodes.length);
  });

  it('has no invalid translation front matter', () => {
    expect(rows.filter((row) => row.state === 'invalid').map((row) => `${row.locale}/${row.slug}: ${row.note}`)).toEqual([]);
  });

  it('has no outdated translation: the content check fails on one (T3-25)', () => {
    const outdated = rows.filter((row) => row.state === 'outdated');
    expect(
      outdated.map((row) => `${row.locale}/${row.slug}: made from ${row.translatedFrom}, Swedish is now ${row.sourceHash}`),
      'update these translations and their sourceHash',
    ).toEqual([]);
  });

  it('the content check names an outdated translation as a problem', () => {
    const root = mkdtempSync(join(tmpdir(), 'utvag-outdated-'));
    try {
      mkdirSync(join(root, 'sv'));
      mkdirSync(join(root, 'en'));
      const front = (extra: string) =>
        `---\ntitle: "Jag vill ut"\ndescription: "Det finns hjälp för dig."\naudience: self\nupdated: 2026-12-01\n${extra}\n---\n\nDu kan få hjälp.\n`;
      writeFileSync(join(root, 'sv', 'ut.mdx'), front('translation: { state: source }'));
      writeFileSync(join(root, 'en', 'ut.mdx'), front('translation: { state: translation, sourceHash: "000000000000", reviewed: false }'));
      expect(checkContent(root, ['sv', 'en']).problems).toContainEqual(
        expect.stringMatching(/^en\/ut\.mdx is outdated: made from 000000000000/),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('sourceHash', () => {
  const page = '---\ntitle: "Jag vill ut"\ndescription: "Det finns hjälp."\norder: 1\n---\n\nText.\n';

  it('is 12 hex characters', () => {
    expect(sourceHash(page)).toMatch(/^[0-9a-f]{12}$/);
  });

  it('covers the body, the title and the description', () => {
    expect(sourceHash(page.replace('Text.', 'Annan text.'))).not.toBe(sourceHash(page));
    expect(sourceHash(page.replace('Jag vill ut', 'Jag vill bort'))).not.toBe(sourceHash(page));
    expect(sourceHash(page.replace('Det finns hjälp.', 'Hjälp finns.'))).not.toBe(sourceHash(page));
  });

  it('ignores other front matter and CRLF line ends', () => {
    expect(sourceHash(page.replace('order: 1', 'order: 7'))).toBe(sourceHash(page));
    expect(sourceHash(page.replace(/\n/g, '\r\n'))).toBe(sourceHash(page));
  });

  it('is the SHA-256 of title, description and body joined by newlines', async () => {
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update('Jag vill ut\nDet finns hjälp.\n\nText.\n').digest('hex').slice(0, 12);
    expect(sourceHash(page)).toBe(expected);
  });

  it('tells up to date, unreviewed and outdated apart', () => {
    const hash = sourceHash(page);
    const translation = (h: string, reviewed: boolean) =>
      `---\ntitle: "I want out"\ntranslation: { state: translation, sourceHash: "${h}", reviewed: ${reviewed} }\n---\nText.\n`;
    expect(translationState(translation(hash, true), hash).state).toBe('up to date');
    expect(translationState(translation(hash, false), hash).state).toBe('unreviewed');
    expect(translationState(translation('000000000000', true), hash).state).toBe('outdated');
    expect(translationState('---\ntitle: "x"\n---\n', hash).state).toBe('invalid');
  });
});
