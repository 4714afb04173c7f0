import { describe, expect, it } from 'vitest';
import { localeCodes } from '../../protocol/locales.ts';
import {
  findAvoidedTerms,
  formatProblem,
  loadTerminology,
  pageText,
  staleExceptions,
  terminologyProblems,
  terminologySchema,
} from '../../src/guidance/terminology.ts';

describe('terminology base', () => {
  it.each(localeCodes)('has a valid terminology file for %s with the key concepts', (locale) => {
    const terminology = loadTerminology(locale);
    expect(terminology.locale).toBe(locale);
    const concepts = terminology.terms.map((t) => t.concept);
    for (const concept of [
      'utredning',
      'avhoppare',
      'gäng',
      'socialtjänsten',
      'lots',
      'samordnare',
      'sekretess',
      'anmälningsplikt',
      'mottagning',
      'kryptering',
      'bistånd',
      'hotbild',
    ]) {
      expect(concepts, `${locale} lacks ${concept}`).toContain(concept);
    }
  });

  it('rejects a regex rule without a pattern', () => {
    const bad = { locale: 'sv', terms: [{ concept: 'x', approved: 'y', avoid: [{ term: 'z', match: 'regex', why: 'because' }] }] };
    expect(terminologySchema.safeParse(bad).success).toBe(false);
  });
});

describe('finding avoided terms', () => {
  it('finds the terms the content review named, in context', () => {
    expect(findAvoidedTerms('Tan waxaa la yiraahdaa baaritaan (utredning).', loadTerminology('so'))).toHaveLength(1);
    expect(findAvoidedTerms('تسمّيك الشرطة «منشقًّا» (avhoppare)', loadTerminology('ar'))).toHaveLength(1);
    expect(findAvoidedTerms('پلیس شما را «جداشده» می‌نامد', loadTerminology('fa'))).toHaveLength(1);
    expect(findAvoidedTerms('ናብ socialtjänsten ደውሉ', loadTerminology('ti'))).toHaveLength(1);
    expect(findAvoidedTerms('ካብ ገበንን ጉጅለታትን', loadTerminology('ti'))).toHaveLength(1);
    expect(findAvoidedTerms('ናይ ባዕሉ መራሒ (lots)', loadTerminology('ti'))).toHaveLength(1);
    expect(findAvoidedTerms('You never have to inform on anyone.', loadTerminology('en'))).toHaveLength(1);
    expect(findAvoidedTerms('هماهنگ‌کننده‌های مقابله با جرم (samordnare mot brott)', loadTerminology('fa'))).toHaveLength(1);
    expect(findAvoidedTerms('منسّقون لمكافحة الجريمة', loadTerminology('ar'))).toHaveLength(1);
    expect(findAvoidedTerms('هذا يسمّى تحقيقًا (utredning).', loadTerminology('ar'))).toHaveLength(1);
    expect(findAvoidedTerms('socialtjänsten (ማሕበራዊ ኣገልግሎት) የጻሪ', loadTerminology('ti'))).toHaveLength(2);
  });

  it('lets the approved forms through', () => {
    expect(findAvoidedTerms('Tan waxaa la yiraahdaa qiimayn (utredning).', loadTerminology('so'))).toEqual([]);
    expect(findAvoidedTerms('پلیس می‌گوید «جداشده از باند» (avhoppare)', loadTerminology('fa'))).toEqual([]);
    expect(findAvoidedTerms('ማሕበራዊ ኣገልግሎት (socialtjänsten) ይሕግዝ', loadTerminology('ti'))).toEqual([]);
    expect(findAvoidedTerms('ካብ ገበነኛ ጉጅለ ምውጻእ፣ ጉጅለ ሰራሕተኛታት', loadTerminology('ti'))).toEqual([]);
    expect(findAvoidedTerms('Det är inte en polisutredning. Du behöver inte berätta om andra.', loadTerminology('sv'))).toEqual([]);
    expect(findAvoidedTerms('It is not a police investigation.', loadTerminology('en'))).toEqual([]);
    expect(findAvoidedTerms('لتحقيق هدفك', loadTerminology('ar'))).toEqual([]);
    expect(findAvoidedTerms('إنه ليس تحقيقًا للشرطة.', loadTerminology('ar'))).toEqual([]);
    expect(findAvoidedTerms('خدمات اجتماعی باید برای پیشگیری و مقابله با جرم کار کند.', loadTerminology('fa'))).toEqual([]);
  });

  it('reads titles and descriptions but not link targets', () => {
    const page = '---\ntitle: "Du behöver aldrig ange någon"\n---\n\n[Läs](../soc/)\n';
    const text = pageText(page);
    expect(findAvoidedTerms(text, loadTerminology('sv')).map((h) => h.term)).toContain('aldrig ange');
    expect(text).not.toContain('../soc/');
  });
});

describe('every page, string and help-directory text', () => {
  it('uses no avoided term (file and term are named when it does)', () => {
    expect(terminologyProblems().map(formatProblem)).toEqual([]);
  });

  it('has no stale known exception', () => {
    const stale = staleExceptions();
    if (stale.length > 0) console.warn(`Known terminology exceptions no longer needed: ${stale.map((e) => e.file).join(', ')}`);
    expect(Array.isArray(stale)).toBe(true);
  });
});
