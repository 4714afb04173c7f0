import i18next, { type TFunction } from 'i18next';
import { localeCodes, localeInfo, type Locale } from '../../protocol/locales.ts';
import { stringsSchema, type StringKey, type UiStrings } from './strings-schema.ts';
import sv from './strings/sv.json' with { type: 'json' };
import en from './strings/en.json' with { type: 'json' };
import ar from './strings/ar.json' with { type: 'json' };
import fa from './strings/fa.json' with { type: 'json' };
import so from './strings/so.json' with { type: 'json' };
import ti from './strings/ti.json' with { type: 'json' };

/** Raw string files by locale; a new locale adds its import here. */
export const rawStrings: Record<Locale, unknown> = { sv, en, ar, fa, so, ti };

/** Validated strings: a missing or empty key fails the build, naming it. */
function loadStrings(): Record<Locale, UiStrings> {
  const out = {} as Record<Locale, UiStrings>;
  for (const code of localeCodes) {
    const parsed = stringsSchema.safeParse(rawStrings[code]);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new Error(`Interface strings for "${code}" are invalid: ${problems}`);
    }
    out[code] = parsed.data;
  }
  return out;
}

/**
 * One i18next instance for the whole build (the Starlight pattern): created
 * synchronously once, then asked for a fixed-locale `t` per page.
 */
const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources: Object.fromEntries(Object.entries(loadStrings()).map(([code, strings]) => [code, { translation: strings }])),
  lng: 'sv',
  fallbackLng: false,
  keySeparator: false,
  nsSeparator: false,
  returnNull: false,
  interpolation: { escapeValue: false },
});

export interface Translator {
  (key: StringKey, options?: Record<string, string | number>): string;
  locale: Locale;
  dir: 'ltr' | 'rtl';
}

export function useTranslations(locale: Locale): Translator {
  const fixed: TFunction = instance.getFixedT(locale);
  const t = ((key: StringKey, options?: Record<string, string | number>) => (options ? fixed(key, options) : fixed(key))) as Translator;
  t.locale = locale;
  // i18next knows the script direction of each language; our locale table
  // states it too, and the two must agree.
  const dir = instance.dir(locale);
  if (dir !== localeInfo(locale).dir) throw new Error(`Direction mismatch for ${locale}`);
  t.dir = dir;
  return t;
}

/** The paths of a page that stands once in each language, under /<locale>/. */
export function localePaths(): { params: { locale: Locale } }[] {
  return localeCodes.map((locale) => ({ params: { locale } }));
}

/** The translator of a page under /<locale>/, from its route parameters. */
export function pageTranslator(params: Record<string, string | undefined>): Translator {
  return useTranslations(params['locale'] as Locale);
}
