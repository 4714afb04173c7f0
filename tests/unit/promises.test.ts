/**
 * What the pages say about contact, from the recipients data: a build with
 * no recipients (production today) and one with the development recipient
 * (npm start, the test build). Also the operator setting.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  loadConnected,
  promiseSentence,
  promiseSource,
  recipientFor,
  recipientName,
  servedMunicipality,
} from '../../src/promises/connected.ts';
import { municipalityOptions } from '../../src/contact/municipality-options.ts';
import { DEV_RECIPIENT, HOSTED_DEV_RECIPIENT } from '../../tools/dev/dev-keys.ts';
import { useTranslations } from '../../src/i18n/translator.ts';
import { localeCodes } from '../../protocol/locales.ts';
import type { RecipientsConfig } from '../../protocol/recipients.ts';
import { parseOperator, OperatorSettingError } from '../../src/operator/operator.ts';

const production = loadConnected('content/intake/recipients.json');
const development: RecipientsConfig = { v: 1, recipients: [{ ...DEV_RECIPIENT, keys: [] }] };

describe('a build with no recipients (production today)', () => {
  it('has no connected municipality, not even for "I don\'t want to say"', () => {
    expect(production.recipients).toEqual([]);
    for (const id of ['stockholm', 'malmo', 'kiruna', 'unknown']) expect(recipientFor(id, production)).toBeUndefined();
  });

  it('lists all 290 municipalities in the form by county, none of them choosable, each saying so', () => {
    // Unit tests run without UTVAG_RECIPIENTS, so this is the production file.
    const groups = municipalityOptions(useTranslations('sv'));
    expect(groups).toHaveLength(21);
    const options = groups.flatMap((g) => g.options);
    expect(options).toHaveLength(290);
    expect(options.filter((o) => o.connected)).toEqual([]);
    expect(options.find((o) => o.id === 'malmo')?.label).toBe('Malmö stad (inte ansluten än)');
  });
});

describe('a build with the development recipient', () => {
  it('serves Stockholm only, and says so as development', () => {
    expect(recipientFor('stockholm', development)?.development).toBe(true);
    expect(recipientFor('solna', development)).toBeUndefined();
    expect(recipientFor('unknown', development)).toBeUndefined();
  });

  it("states Stockholm's promise as Stockholm's, with since when, in every language", () => {
    const recipient = recipientFor('stockholm', development)!;
    expect(promiseSentence(useTranslations('sv'), recipient)).toBe(
      'Stockholms stad har lovat en första kontakt inom 24 timmar, dygnet runt. Det har gällt sedan 2024.',
    );
    for (const locale of localeCodes) {
      const t = useTranslations(locale);
      const sentence = promiseSentence(t, recipient);
      expect(sentence, locale).toContain(DEV_RECIPIENT.promise.madeBy[locale]);
      expect(sentence, locale).toContain('24');
      expect(sentence, locale).toContain('2024');
      expect(promiseSource(t, recipient), locale).toContain('Stockholms stad');
    }
  });

  it('words hours that are not around the clock from the data, too', () => {
    const weekdays = {
      ...DEV_RECIPIENT,
      keys: [],
      promise: {
        ...DEV_RECIPIENT.promise,
        firstContactWithinHours: 48,
        hours: { sv: 'vardagar', en: 'weekdays', ar: 'أيام العمل', fa: 'روزهای کاری', so: 'maalmaha shaqada', ti: 'መዓልታት ስራሕ' },
      },
    };
    expect(promiseSentence(useTranslations('en'), weekdays)).toBe(
      'Stockholm city has promised a first contact within 48 hours (weekdays). This has applied since 2024.',
    );
  });
});

describe('a build with the hosted development recipient, which has made no promise', () => {
  const hosted = { ...HOSTED_DEV_RECIPIENT, serves: [...HOSTED_DEV_RECIPIENT.serves], identity: 'x'.repeat(43), keys: [] };
  const both: RecipientsConfig = { v: 1, recipients: [...development.recipients, hosted] };

  it('serves Solna, hosted and as development, with no promise and no phone', () => {
    const recipient = recipientFor('solna', both)!;
    expect(recipient).toMatchObject({ id: 'hosted-development', development: true, hosted: true });
    expect(recipient.promise).toBeUndefined();
    expect(recipient.phone).toBeUndefined();
    expect(recipientFor('stockholm', both)?.id).toBe(DEV_RECIPIENT.id);
  });

  it('says in every language that it has promised nothing, with no time and no source', () => {
    for (const locale of localeCodes) {
      const t = useTranslations(locale);
      expect(promiseSentence(t, hosted), locale).toBe(t('promise.none'));
      expect(promiseSentence(t, hosted), locale).not.toMatch(/\d/);
      expect(promiseSource(t, hosted), locale).toBeNull();
      // The request "went to" the municipality it serves, by its own name.
      expect(recipientName(t, hosted), locale).toBe('Solna stad');
    }
    expect(recipientName(useTranslations('sv'), recipientFor('stockholm', both)!)).toBe('Stockholms stad');
  });

  it('lists what works for everyone in the one municipality it serves', () => {
    expect(servedMunicipality(hosted)).toEqual({ id: 'solna', official: 'Solna stad', policeRegion: 'Stockholm' });
    expect(servedMunicipality({ ...hosted, serves: ['solna', 'sundbyberg'] })).toBeUndefined();
  });
});

describe('the operator setting', () => {
  const example = readFileSync('content/site/operator.json', 'utf8');
  const real = JSON.stringify({
    v: 1,
    example: false,
    name: 'Föreningen Utväg',
    accessibility: { email: 'tillganglighet@utvag.se' },
    dataProtection: { email: 'dataskydd@utvag.se', postal: 'Box 1, 111 11 Stockholm' },
  });

  it('shows the example in development, marked as an example', () => {
    const operator = parseOperator(example, 'operator.json', false);
    expect(operator.example).toBe(true);
    expect(operator.name).toMatch(/^EXEMPEL/);
  });

  it('fails a production build while it is the example, with a clear message', () => {
    expect(() => parseOperator(example, 'operator.json', true)).toThrow(OperatorSettingError);
    expect(() => parseOperator(example, 'operator.json', true)).toThrow(/production build needs the real operator/);
    // Turning the flag off does not fool it while example values remain.
    expect(() => parseOperator(example.replace('"example": true', '"example": false'), 'operator.json', true)).toThrow(/real operator/);
    expect(parseOperator(real, 'operator.json', true).name).toBe('Föreningen Utväg');
  });

  it('needs a way to reach a person for accessibility and for data protection', () => {
    const noRoute = JSON.stringify({ ...JSON.parse(real), accessibility: {} });
    expect(() => parseOperator(noRoute, 'operator.json', false)).toThrow(/accessibility/);
    const noName = JSON.stringify({ ...JSON.parse(real), name: '' });
    expect(() => parseOperator(noName, 'operator.json', false)).toThrow(/name/);
  });
});
