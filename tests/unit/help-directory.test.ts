import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  VERIFIED_PHONE_NUMBERS,
  helpDirectoryIds,
  loadHelpDirectory,
  localized,
  parseHelpDirectory,
  unitsFor,
} from '../../src/help-directory/schema.ts';
import { localeCodes } from '../../protocol/locales.ts';
import { KEPT_MUNICIPALITY_IDS } from '../../protocol/municipalities.ts';

const raw = JSON.parse(readFileSync(new URL('../../content/help-directory/units.json', import.meta.url), 'utf8'));
const clone = () => structuredClone(raw);

/** Every per-locale text object in the data (any object with sv and en), with its path. */
function localizedTexts(value: unknown, path = ''): { path: string; text: Record<string, unknown> }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => localizedTexts(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if ('sv' in record && 'en' in record) return [{ path, text: record }];
  return Object.entries(record).flatMap(([key, item]) => localizedTexts(item, `${path}.${key}`));
}

describe('help directory data', () => {
  it('parses', () => {
    expect(() => loadHelpDirectory()).not.toThrow();
  });

  it('knows all 290 municipalities, the five earlier ids among them, and no default intake', () => {
    expect(helpDirectoryIds()).toHaveLength(290);
    expect(helpDirectoryIds()).toEqual(expect.arrayContaining([...KEPT_MUNICIPALITY_IDS]));
    expect(raw).not.toHaveProperty('defaultIntake');
    expect(raw).not.toHaveProperty('municipalities');
  });

  it('has the units named in the facts', () => {
    const ids = loadHelpDirectory().units.map((unit) => unit.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'stockholm-socialradgivningen',
        'stockholm-sig-hasselby-vallingby',
        'stockholm-trefas',
        'stockholm-central-avhopparverksamhet',
        'jarfalla-avhopparstod',
        'upplands-bro-sluta-skjut',
        'botkyrka-samordnare-mot-kriminalitet',
        // facts.md part 2: other municipalities' own pages.
        'goteborg-samlad-avhopparverksamhet',
        'malmo-konsultationsteamet',
        'uppsala-avhopparverksamhet',
        'orebro-socialtjansten',
        'norrkoping-sociala-insatsgruppen',
        'sodertalje-sociala-insatsgruppen',
        'eskilstuna-avhopparprogram',
      ]),
    );
    for (const id of [...KEPT_MUNICIPALITY_IDS, 'goteborg', 'malmo', 'uppsala', 'orebro', 'norrkoping', 'sodertalje', 'eskilstuna']) {
      expect(unitsFor(id).length, id).toBeGreaterThan(0);
    }
    // Every other municipality: no unit (facts.md: "name no unit").
    expect(unitsFor('kiruna')).toEqual([]);
  });

  it('uses only verified phone numbers, also inside the texts', () => {
    const text = JSON.stringify(raw);
    const numbers = text.match(/\+?\d[\d -]{4,}\d/g) ?? [];
    const allowed = Object.values(VERIFIED_PHONE_NUMBERS).concat(Object.keys(VERIFIED_PHONE_NUMBERS));
    const unknown = numbers.filter((n) => !allowed.includes(n.trim()) && !/^\d{4}-\d{2}-\d{2}$/.test(n));
    expect(unknown).toEqual([]);
  });

  it('gives every unit a source and a verification date', () => {
    for (const unit of loadHelpDirectory().units) {
      expect(unit.source.name.length).toBeGreaterThan(1);
      expect(unit.checkedAgainstSourceOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('gives every unit its texts in every locale of the site', () => {
    const texts = localizedTexts(raw.units, 'units');
    expect(texts.length).toBeGreaterThanOrEqual(raw.units.length * 2);
    for (const { path, text } of texts) {
      expect(Object.keys(text), path).toEqual([...localeCodes]);
      for (const code of localeCodes) {
        expect(typeof text[code], `${path}.${code}`).toBe('string');
        expect((text[code] as string).trim().length, `${path}.${code}`).toBeGreaterThan(0);
      }
    }
    for (const unit of loadHelpDirectory().units) {
      for (const code of localeCodes) {
        expect(unit.whatItDoes[code], `${unit.id} whatItDoes ${code}`).toBeTruthy();
        expect(unit.forWhom[code], `${unit.id} forWhom ${code}`).toBeTruthy();
      }
    }
  });

  it('isolates phone numbers left-to-right in Arabic and Persian texts', () => {
    for (const { path, text } of localizedTexts(raw.units, 'units')) {
      for (const code of ['ar', 'fa']) {
        const value = text[code] as string;
        for (const match of value.matchAll(/\d[\d -]*\d/g)) {
          if (!/[ -]/.test(match[0])) continue;
          const before = value[(match.index ?? 0) - 1];
          const after = value[(match.index ?? 0) + match[0].length];
          expect(`${before}${match[0]}${after}`, `${path}.${code}`).toBe(`\u2066${match[0]}\u2069`);
        }
      }
    }
  });

  it('falls back to English, then Swedish, for a missing locale', () => {
    expect(localized({ sv: 'Hej', en: 'Hello' }, 'so')).toBe('Hello');
    expect(localized({ sv: 'Hej', en: 'Hello', so: 'Salaan' }, 'so')).toBe('Salaan');
  });
});

describe('help directory schema', () => {
  it('refuses an unverified phone number', () => {
    const data = clone();
    data.units[0].reach.phone = { display: '08-123 45 67', tel: '+4681234567' };
    expect(() => parseHelpDirectory(data)).toThrow(/verified/);
  });

  it('requires the text in every locale, refuses a unit missing one', () => {
    for (const code of localeCodes) {
      const missing = clone();
      delete missing.units[0].whatItDoes[code];
      expect(() => parseHelpDirectory(missing), code).toThrow();
    }
    const missingNote = clone();
    const unit = missingNote.units.find((u: { reach: { how: string } }) => u.reach.how === 'via-social-services');
    delete unit.reach.note.ti;
    expect(() => parseHelpDirectory(missingNote)).toThrow();
    const missingHours = clone();
    delete missingHours.units[0].reach.hours.fa;
    expect(() => parseHelpDirectory(missingHours)).toThrow();
  });

  it('refuses an empty text', () => {
    const data = clone();
    data.units[0].forWhom.ar = '';
    expect(() => parseHelpDirectory(data)).toThrow();
  });

  it('refuses unknown locales and extra keys', () => {
    const unknownLocale = clone();
    unknownLocale.units[0].forWhom.de = 'Text';
    expect(() => parseHelpDirectory(unknownLocale)).toThrow();
    const extra = clone();
    extra.units[0].address = 'Gatan 1';
    expect(() => parseHelpDirectory(extra)).toThrow();
  });

  it('refuses a municipality id that is not one of the 290, as home or partner', () => {
    const unknown = clone();
    unknown.units[0].municipality = 'atlantis';
    expect(() => parseHelpDirectory(unknown)).toThrow(/municipality id/);
    const partner = clone();
    partner.units[0].partners = ['atlantis'];
    expect(() => parseHelpDirectory(partner)).toThrow(/municipality id/);
    const solna = clone();
    solna.units[0].municipality = 'solna';
    expect(() => parseHelpDirectory(solna)).not.toThrow();
  });

  it('refuses a second phone line that is not publishable', () => {
    const data = clone();
    const norrkoping = data.units.find((u: { id: string }) => u.id === 'norrkoping-sociala-insatsgruppen');
    norrkoping.reach.extraPhone.phone = { display: '011-12 34 56', tel: '+4611123456' };
    expect(() => parseHelpDirectory(data)).toThrow(/verified/);
  });

  it('refuses duplicate unit ids', () => {
    const data = clone();
    data.units.push(structuredClone(data.units[0]));
    expect(() => parseHelpDirectory(data)).toThrow(/unique/);
  });
});
