/**
 * Words that are codes, not language (issue 22, part 7): what no inbox
 * page may show. Shared by the app.request tests and the browser spec.
 */
import { contactMethods, needs } from '../../protocol/limits.ts';
import { replyPhraseIds } from '../../protocol/limits.ts';

// Word edges that know letters beyond ASCII (\b alone would split "Utväg" at "ä").
const word = (source: string) => new RegExp(`(?<![\\p{L}\\d_-])(?:${source})(?![\\p{L}\\d_-])`, 'u');
export const CODE_LIKE: readonly RegExp[] = [
  word('[a-z]+(?:_[a-z]+)+'),
  // Hyphenated codes by name: English has hyphenated words ("contact-time").
  word([...needs, ...contactMethods, ...replyPhraseIds].filter((id) => id.includes('-')).join('|')),
  word('stockholm'),
  // Language codes, less "en" and "so": Swedish "en" and English "so" are words.
  word('ar|sv|fa|ti'),
  /staff:\d/,
  /7KQ3/,
];

/** The code-like words in a page's visible text, each with a little context; empty when there are none. */
export function codeLikeWords(text: string): string[] {
  return CODE_LIKE.flatMap((pattern) => {
    const found = new RegExp(pattern.source, `${pattern.flags}g`);
    return [...text.matchAll(found)].map((m) => `${m[0]} in "…${text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30)}…"`);
  });
}
