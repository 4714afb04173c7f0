/**
 * The site's languages. Adding one is one line here plus
 * `src/i18n/strings/<code>.json` (the test names every missing key).
 * `ogLocale` is the form link previews (Open Graph) expect.
 * `fallback` is the language shown, with a notice, while a page is not yet
 * translated: Swedish is the source of every page.
 */
export const locales = [
  { code: 'sv', name: 'Svenska', dir: 'ltr', fallback: 'sv', ogLocale: 'sv_SE' },
  { code: 'en', name: 'English', dir: 'ltr', fallback: 'sv', ogLocale: 'en_GB' },
  { code: 'ar', name: 'العربية', dir: 'rtl', fallback: 'en', ogLocale: 'ar_AR' },
  { code: 'fa', name: 'فارسی', dir: 'rtl', fallback: 'en', ogLocale: 'fa_IR' },
  { code: 'so', name: 'Soomaali', dir: 'ltr', fallback: 'en', ogLocale: 'so_SO' },
  { code: 'ti', name: 'ትግርኛ', dir: 'ltr', fallback: 'en', ogLocale: 'ti_ER' },
] as const satisfies readonly { code: string; name: string; dir: 'ltr' | 'rtl'; fallback: string; ogLocale: string }[];

export type Locale = (typeof locales)[number]['code'];
export type LocaleInfo = (typeof locales)[number];

export const defaultLocale: Locale = 'sv';
export const localeCodes: readonly Locale[] = locales.map((l) => l.code);

export function isLocale(value: string | undefined): value is Locale {
  return value !== undefined && (localeCodes as readonly string[]).includes(value);
}

export function localeInfo(code: Locale): LocaleInfo {
  const info = locales.find((l) => l.code === code);
  if (!info) throw new Error(`Unknown locale ${code}`);
  return info;
}
