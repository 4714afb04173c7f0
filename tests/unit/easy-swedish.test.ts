import { mkdtempSync, mkdirSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_ROOT, checkContent } from '../../src/guidance/check-content.ts';
import {
  MAX_LIX_EASY_SWEDISH,
  MAX_SENTENCE_WORDS_EASY_SWEDISH,
  checkEasySwedish,
  easySwedishProblems,
} from '../../src/guidance/easy-swedish.ts';
import { easySwedishPath, easySwedishPathFor, easySwedishSlugs } from '../../src/i18n/easy-swedish.ts';

const frontMatter = '---\ntitle: "Jag vill ut"\ndescription: "Lätt svenska. Du kan få hjälp att lämna brott."\nupdated: 2026-12-06\n---\n\n';

const easyPage = `${frontMatter}Du vill lämna brott och gäng.\nDå kan du få hjälp.\n\n## Är du i fara nu?\n\nRing [112](tel:112).\n`;

/** Long words, as a page written in klarspråk would have them: LIX far above 25, every sentence short. */
const tooHardPage =
  `${frontMatter}Avhopparsamordningen hjälper motiverade personer.\nSocialtjänstens verksamhet omfattar stödinsatser.\n` +
  `Kontaktförfrågningar krypteras automatiskt.\nAnmälningsplikten gäller myndigheter.\n`;

describe('the lätt svenska check', () => {
  it('passes an easy page', () => {
    expect(easySwedishProblems('latt/ut.mdx', easyPage)).toEqual([]);
  });

  it(`fails a page with a LIX above ${MAX_LIX_EASY_SWEDISH}, though each sentence is short`, () => {
    const problems = easySwedishProblems('latt/ut.mdx', tooHardPage);
    expect(problems.some((p) => p.startsWith('latt/ut.mdx: LIX') && p.includes(`above ${MAX_LIX_EASY_SWEDISH}`))).toBe(true);
    expect(problems.filter((p) => p.includes('words, more than'))).toEqual([]);
  });

  it(`fails a sentence of more than ${MAX_SENTENCE_WORDS_EASY_SWEDISH} words on an otherwise easy page`, () => {
    const long = 'Du kan ringa dit när du vill och så ofta du vill.'; // 12 words
    const problems = easySwedishProblems('latt/ut.mdx', `${easyPage}\n${long}\n`);
    expect(problems).toEqual([`latt/ut.mdx: 12 words, more than ${MAX_SENTENCE_WORDS_EASY_SWEDISH} (lätt svenska): "${long}"`]);
  });

  it('allows exactly the limit', () => {
    const ten = 'Du kan ringa dit när du vill och hur ofta.';
    expect(easySwedishProblems('latt/ut.mdx', `${easyPage}\n${ten}\n`)).toEqual([]);
  });

  it('fails two sentences on one line (one idea a line), also in a list item', () => {
    expect(easySwedishProblems('latt/ut.mdx', `${easyPage}\nRing 112. Det är gratis.\n`)).toEqual([
      'latt/ut.mdx: line 14 holds 2 sentences; write one a line: "Ring 112. Det är gratis."',
    ]);
    expect(easySwedishProblems('latt/ut.mdx', `${easyPage}\n- Ring BRIS. Det är gratis.\n`)).toHaveLength(1);
    expect(easySwedishProblems('latt/ut.mdx', `${easyPage}\n- Ring BRIS.\n  Det är gratis.\n`)).toEqual([]);
  });

  it('fails front matter that does not match', () => {
    const problems = easySwedishProblems('latt/ut.mdx', easyPage.replace('title: "Jag vill ut"\n', ''));
    expect(problems.some((p) => p.includes('front matter title'))).toBe(true);
  });

  it('measures text in both WhenContact branches', () => {
    const long = 'Du kan skriva till kommunen här på sidan och få ett svar.';
    const page = `${easyPage}\n<WhenContact open>\n\n${long}\n\n</WhenContact>\n`;
    expect(easySwedishProblems('latt/ut.mdx', page)).toHaveLength(1);
  });
});

describe('npm run check:content', () => {
  function contentRoot(easy: string): string {
    const root = mkdtempSync(join(tmpdir(), 'utvag-easy-'));
    mkdirSync(join(root, 'sv'));
    mkdirSync(join(root, 'latt'));
    writeFileSync(
      join(root, 'sv', 'ut.mdx'),
      '---\ntitle: "Jag vill ut"\ndescription: "Det finns hjälp att lämna brott."\naudience: self\nupdated: 2026-12-01\ntranslation: { state: source }\n---\n\nDu kan få hjälp.\n',
    );
    writeFileSync(join(root, 'latt', 'ut.mdx'), easy);
    return root;
  }

  it('fails on a lätt svenska page that is too hard, and passes the easy one', () => {
    expect(checkContent(contentRoot(easyPage), ['sv']).problems).toEqual([]);
    const problems = checkContent(contentRoot(tooHardPage), ['sv']).problems;
    expect(problems.some((p) => p.startsWith('latt/ut.mdx: LIX'))).toBe(true);
  });

  it('fails on a number that is not publishable on a lätt svenska page', () => {
    const problems = checkContent(contentRoot(`${easyPage}\nRing 0701-23 45 99.\n`), ['sv']).problems;
    expect(problems.some((p) => p.startsWith('latt/ut.mdx: phone number'))).toBe(true);
  });

  it('passes every lätt svenska page of the site, each within the limits', () => {
    const { rows, problems } = checkEasySwedish(CONTENT_ROOT);
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.slug).sort()).toEqual([...easySwedishSlugs].sort());
    for (const row of rows) {
      expect(row.lix, row.slug).toBeLessThanOrEqual(MAX_LIX_EASY_SWEDISH);
      expect(row.longestSentence, row.slug).toBeLessThanOrEqual(MAX_SENTENCE_WORDS_EASY_SWEDISH);
    }
  });
});

describe('lätt svenska addresses', () => {
  it('lists exactly the pages in content/latt/', () => {
    const files = readdirSync(join(CONTENT_ROOT, 'latt'))
      .filter((name) => name.endsWith('.mdx'))
      .map((name) => name.slice(0, -4));
    expect([...easySwedishSlugs].sort()).toEqual(files.sort());
  });

  it('has a Swedish page for each, at the same slug', () => {
    const pagesRoot = join(CONTENT_ROOT, '..', 'src', 'pages', '[locale]');
    for (const slug of easySwedishSlugs.filter((s) => s !== 'index')) {
      const exists = existsSync(join(CONTENT_ROOT, 'sv', `${slug}.mdx`)) || existsSync(join(pagesRoot, slug));
      expect(exists, slug).toBe(true);
    }
  });

  it('keeps /latt/<slug>/, and sends pages without a version to the list', () => {
    expect(easySwedishPath('ut')).toBe('/latt/ut/');
    expect(easySwedishPath('index')).toBe('/latt/');
    expect(easySwedishPathFor('kontakt')).toBe('/latt/kontakt/');
    expect(easySwedishPathFor('sekretess')).toBe('/latt/');
  });
});
