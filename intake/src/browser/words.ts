/** The page's words, handed over by the server in `<script type="application/json" id="inbox-words">` (inbox/pages.ts). */
let cache: Record<string, string> | null = null;

export function word(key: string): string {
  cache ??= JSON.parse(document.getElementById('inbox-words')?.textContent ?? '{}') as Record<string, string>;
  return cache[key] ?? cache['error_failed'] ?? key;
}
