/**
 * The texts a component gives its script in data-* attributes, by key:
 * `data-<prefix>-<key>` (key in camelCase), or '' where one is missing.
 */
export function dataTexts<K extends string>(data: DOMStringMap, prefix: string, keys: readonly K[]): Record<K, string> {
  return Object.fromEntries(keys.map((key) => [key, data[prefix + key[0]!.toUpperCase() + key.slice(1)] ?? ''])) as Record<K, string>;
}
