import type { StringKey } from '../i18n/strings-schema.ts';
import type { Translator } from '../i18n/translator.ts';

/**
 * A translated sentence split around its placeholders, so that a phone
 * number or a Swedish name can sit in its own isolate (<bdi>) inside Arabic
 * or Persian text instead of being reordered by the bidi algorithm.
 */
export type TextPart = { text: string } | { value: string; kind: 'number' | 'name' } | { value: string; kind: 'link'; href: string };
type Value = Exclude<TextPart, { text: string }>;

export function textParts(t: Translator, key: StringKey, values: Record<string, Value> = {}): TextPart[] {
  const names = Object.keys(values);
  const markers = Object.fromEntries(names.map((name, i) => [name, `\u0001${i}\u0002`]));
  const template = t(key, markers);
  const parts: TextPart[] = [];
  for (const [i, piece] of template.split(/\u0001(\d+)\u0002/).entries()) {
    if (i % 2 === 0) {
      if (piece) parts.push({ text: piece });
    } else {
      parts.push(values[names[Number(piece)]!]!);
    }
  }
  return parts;
}
