import { describe, expect, it } from 'vitest';
import { localeCodes, locales } from '../../protocol/locales.ts';
import { stringKeys, stringsSchema } from '../../src/i18n/strings-schema.ts';
import { rawStrings, useTranslations } from '../../src/i18n/translator.ts';

describe('interface strings', () => {
  it.each(localeCodes)('%s has every key, none empty, none extra', (code) => {
    const result = stringsSchema.safeParse(rawStrings[code]);
    const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems).toEqual([]);
  });

  it('the schema refuses a locale that misses a key', () => {
    const incomplete: Record<string, string> = { ...(rawStrings.sv as Record<string, string>) };
    delete incomplete[stringKeys[0]!];
    expect(stringsSchema.safeParse(incomplete).success).toBe(false);
  });

  it('every locale has a direction that i18next agrees with', () => {
    for (const l of locales) expect(useTranslations(l.code).dir).toBe(l.dir);
    expect(useTranslations('ar').dir).toBe('rtl');
    expect(useTranslations('fa').dir).toBe('rtl');
  });

  it('interpolates values', () => {
    expect(useTranslations('sv')('page.updated', { date: '1 maj' })).toBe('Uppdaterad 1 maj');
  });
});

describe('phone numbers in right-to-left strings', () => {
  // Without isolation, 08-508 25 600 shows as "600 25 508-08" in Arabic.
  const phone = /\d[\d -]*\d/g;
  it.each(locales.filter((l) => l.dir === 'rtl').map((l) => l.code))('%s isolates every multi-part number as LTR', (code) => {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(rawStrings[code] as Record<string, string>)) {
      for (const match of value.matchAll(phone)) {
        if (!/[ -]/.test(match[0])) continue; // a single run of digits keeps its order
        const before = value[match.index - 1];
        const after = value[match.index + match[0].length];
        if (before !== '\u2066' || after !== '\u2069') problems.push(`${key}: ${match[0]}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
