/**
 * The numbers-and-promises check (src/guidance/promise-check.ts): cases
 * that must fail, in every script, and the real content passing.
 */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringProblems, textProblems, timePromises, unnamedNumbers, unpublishableNumbers } from '../../src/guidance/promise-check.ts';
import { checkNumbersAndPromises, stalePendingEntries } from '../../src/guidance/check-content.ts';

describe('phone numbers', () => {
  it('lets through every publishable number, however it is written', () => {
    for (const text of [
      'Ring 112.',
      'Ring 114 14 och fråga efter avhopparsamordningen.',
      'Ring BRIS på 116 111.',
      'Brottsofferjouren 116 006.',
      'Ring 08-508 25 600.',
      '[08-508 25 600](tel:+46850825600)',
      'اتصل بالرقم \u206608-508 25 600\u2069.',
      'Norrköping: 011-15 00 00 och 011-15 22 83.',
      'Kvinnofridslinjen 116 016. 1177 dygnet runt.',
    ]) {
      expect(unpublishableNumbers(text), text).toEqual([]);
    }
  });

  it('finds a number that is not in facts.md, also in Arabic-Indic and Persian digits', () => {
    expect(unpublishableNumbers('Ring 08-123 45 67.')).toEqual(['08-123 45 67']);
    expect(unpublishableNumbers('Call +46 8 123 45 67 today')).toHaveLength(1);
    expect(unpublishableNumbers('اتصل بالرقم ٠٨-١٢٣ ٤٥ ٦٧')).toHaveLength(1);
    expect(unpublishableNumbers('با ۰۸-۱۲۳ ۴۵ ۶۷ تماس بگیرید')).toHaveLength(1);
    expect(unpublishableNumbers('Ring 116 123.')).toEqual(['116 123']);
    expect(unpublishableNumbers('Wac 020-123 456.')).toHaveLength(1);
  });

  it('does not take years, dates, ages or laws for phone numbers', () => {
    expect(unpublishableNumbers('Sedan 2024. Uppdaterad 2026-11-22. Under 18 år. Lag (2018:1937). SFS 2025:400. 26 kap. 1 §. 34 personer.')).toEqual([]);
  });
});

describe("numbers from the municipality contacts data (shared/data/municipality-contacts.json)", () => {
  it('makes a number publishable only where the data does not mark it doubtful', () => {
    // Örebro's social services intake, read on orebro.se, not doubtful.
    expect(unpublishableNumbers('Ring Örebro kommuns mottagning på 019-21 30 00.')).toEqual([]);
    // Kiruna's intake is in the data but doubtful (an old news item); Malmö's switchboard too.
    expect(unpublishableNumbers('Ring Kiruna kommun på 0980-703 61.')).toEqual(['0980-703 61']);
    expect(unpublishableNumbers('Ring Malmö stad på 040-34 10 00.')).toEqual(['040-34 10 00']);
  });

  it('fails on a forged number next to a real municipality, in any script', () => {
    expect(unpublishableNumbers('Ring Örebro kommun på 019-21 99 99.')).toEqual(['019-21 99 99']);
    expect(unpublishableNumbers('اتصل ببلدية أوربرو على الرقم \u2066٠١٩-٢١ ٩٩ ٩٩\u2069')).toHaveLength(1);
    expect(textProblems('sv/x.mdx', 'Ring Örebro kommun på 019-21 99 99.')).toEqual([expect.stringMatching(/019-21 99 99 is not publishable/)]);
  });
});

describe('whose number it is (review finding T3-03)', () => {
  it('finds a number that does not name its owner near it', () => {
    const old = 'Utan JavaScript kan du ringa i stället: socialtjänsten i din kommun, eller 08-508 25 600 dygnet runt. Säg din kod.';
    expect(unnamedNumbers(old)).toEqual(['08-508 25 600']);
    expect(stringProblems('sv', 'replyPage.noJs', old)).toEqual([expect.stringMatching(/does not say whose number it is/)]);
    expect(unnamedNumbers('اتصل بالرقم \u206608-508 25 600\u2069 ليلًا ونهارًا.')).toEqual(['08-508 25 600']);
    expect(unnamedNumbers('Ring 114 14 och be om hjälp.')).toEqual(['114 14']);
    expect(unnamedNumbers('Ring 019-21 30 00.')).toEqual(['019-21 30 00']);
  });

  it('accepts the owner in the same sentence, the one before, or the section heading; 112 and 1177 name themselves', () => {
    for (const text of [
      'Bor du i Stockholm? Stockholms stad svarar dygnet runt på 08-508 25 600.',
      'تسكن في ستوكهولم؟ مدينة ستوكهولم تردّ على الرقم \u206608-508 25 600\u2069.',
      'Ring polisen på 114 14.',
      '## Vad kan polisen göra?\n\n- Ta emot en anmälan. Ring [114 14](tel:11414).',
      'Ring Örebro kommuns mottagning på 019-21 30 00.',
      'Ring 112. Mår du dåligt? Ring 1177.',
      'Kvinnofridslinjen: 020-50 50 50 eller 116 016.',
    ]) {
      expect(unnamedNumbers(text), text).toEqual([]);
    }
  });
});

describe('time promises', () => {
  it('finds a promise of contact time in all six languages and scripts', () => {
    for (const text of [
      'Du får kontakt inom 24 timmar.',
      'Du får kontakt inom ett dygn.',
      'Kommunen hör av sig dygnet runt.',
      'Someone contacts you within 24 hours.',
      'We will contact you within a day.',
      'You get a first contact day and night.',
      'سيتواصل معك أحد خلال 24 ساعة.',
      'سيتواصل معك أحد خلال ٢٤ ساعة.',
      'ظرف ۲۴ ساعت با شما تماس گرفته می‌شود.',
      'ظرف یک شبانه‌روز با شما تماس گرفته می‌شود.',
      'Waxaa lagula soo xiriirayaa 24 saacadood gudahood.',
      'Waxaa lagula soo xiriirayaa hal maalin gudaheed.',
      'ኣብ ውሽጢ 24 ሰዓታት ክራኸቡኹም እዮም።',
      'ኣብ ውሽጢ ፳፬ ሰዓታት ክራኸቡኹም እዮም።',
      'ኣብ ውሽጢ ሓደ መዓልቲ ክራኸቡኹም እዮም።',
      'Svar inom 48 h.',
    ]) {
      expect(timePromises(text), text).not.toEqual([]);
    }
  });

  it('lets through opening hours that promise no contact time', () => {
    for (const text of [
      'Stockholms stad svarar dygnet runt: 08-508 25 600',
      'BRIS svarar dygnet runt.',
      'They answer day and night.',
      'De har öppet dagtid, måndag till fredag.',
      'Till exempel: vardagar efter klockan 18.',
    ]) {
      expect(timePromises(text), text).toEqual([]);
    }
  });

  it('allows promise wording only in the promise.* strings, which must name the maker and take the time from data', () => {
    expect(stringProblems('sv', 'form.lead', 'Du får kontakt inom 24 timmar.')).toHaveLength(1);
    expect(stringProblems('sv', 'promise.aroundTheClock', '{{maker}} har lovat en första kontakt inom {{hours}} timmar, dygnet runt.')).toEqual([]);
    expect(stringProblems('sv', 'promise.aroundTheClock', 'Vi har lovat en första kontakt inom {{hours}} timmar.')).toEqual([
      expect.stringMatching(/name who made it/),
    ]);
    expect(stringProblems('sv', 'promise.withHours', '{{maker}} har lovat kontakt inom 24 timmar.')).toEqual([
      expect.stringMatching(/recipient data/),
    ]);
    expect(textProblems('sv/x.mdx', 'Ring 08-123 45 67. Du får svar inom 24 timmar.')).toHaveLength(2);
  });
});

describe('the content check on a content folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'utvag-promise-check-'));
  const strings = mkdtempSync(join(tmpdir(), 'utvag-promise-strings-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(strings, { recursive: true, force: true });
  });
  mkdirSync(join(root, 'sv'));
  mkdirSync(join(root, 'help-directory'));
  writeFileSync(join(root, 'sv', 'ut.mdx'), '---\ntitle: x\n---\nDu får kontakt inom 24 timmar.\n');
  writeFileSync(join(root, 'sv', 'fara.mdx'), '---\ntitle: x\n---\nRing 112.\n');
  // A translation made from a Swedish page whose hash has a digit run like a phone number.
  mkdirSync(join(root, 'en'));
  writeFileSync(join(root, 'en', 'fara.mdx'), '---\ntitle: x\ntranslation: { state: translation, sourceHash: "eb09888454b4", reviewed: false }\n---\nCall 112.\n');
  writeFileSync(join(root, 'help-directory', 'units.json'), JSON.stringify({ v: 1, units: [{ id: 'u', reach: { note: { sv: 'Ring 08-999 99 99.' } } }] }));
  writeFileSync(join(strings, 'sv.json'), JSON.stringify({ 'site.description': 'Du får kontakt inom ett dygn.', 'promise.source': 'Källa: {{source}}.' }));

  it('fails on a page, a unit and a string', () => {
    const problems = checkNumbersAndPromises(root, ['sv', 'en'], { pages: [], units: [] }, strings);
    expect(problems).toEqual([
      expect.stringMatching(/^sv\/ut\.mdx: a time promise/),
      expect.stringMatching(/^strings\/sv\.json site\.description: a time promise/),
      expect.stringMatching(/^help-directory u\.reach\.note\.sv: phone number 08-999 99 99/),
    ]);
  });

  it('lets a pending page through only for its promise, and says when an entry is stale', () => {
    const problems = checkNumbersAndPromises(root, ['sv'], { pages: ['ut'], units: ['u'] }, strings);
    expect(problems).toHaveLength(2); // the string's promise and the unit's number stay
    expect(stalePendingEntries(root, ['sv'], { pages: ['ut', 'fara'], units: ['u'] })).toEqual(['page fara', 'unit u']);
  });

  it('passes on the real content, and the pending list holds only pages that still need it', () => {
    expect(checkNumbersAndPromises()).toEqual([]);
    expect(stalePendingEntries(), 'remove these from PENDING_PROMISE_REWRITE in src/guidance/check-content.ts').toEqual([]);
  });
});
