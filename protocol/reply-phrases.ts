/**
 * The reply phrase bank's words: each phrase id (protocol/reply.ts) in all
 * six languages, one JSON file per language in reply-phrases/. The site shows
 * them to the person, the intake to the staff who choose them; both read
 * them here, so a phrase means the same on both sides. `{{phone}}`,
 * `{{place}}`, `{{time}}` and `{{date}}` are filled in from the phrase's own fields.
 */
import type { Locale } from './locales.ts';
import type { ReplyPhraseId } from './limits.ts';
import sv from './reply-phrases/sv.json' with { type: 'json' };
import en from './reply-phrases/en.json' with { type: 'json' };
import ar from './reply-phrases/ar.json' with { type: 'json' };
import fa from './reply-phrases/fa.json' with { type: 'json' };
import so from './reply-phrases/so.json' with { type: 'json' };
import ti from './reply-phrases/ti.json' with { type: 'json' };

export const replyPhraseTexts: Readonly<Record<Locale, Readonly<Record<ReplyPhraseId, string>>>> = { sv, en, ar, fa, so, ti };

/** The phrase in the language, with `{{name}}` filled from `values` (left as is where a value is missing). */
export function replyPhraseText(locale: Locale, id: ReplyPhraseId, values: Readonly<Record<string, string>> = {}): string {
  return replyPhraseTexts[locale][id].replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}
