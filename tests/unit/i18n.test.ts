import { describe, expect, it } from 'vitest';
import { localeCodes, locales } from '../../src/i18n/locales.ts';
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
