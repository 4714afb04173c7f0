/**
 * The page's words and metadata (`<script type="application/json"
 * id="inbox-words">`, rendered by inbox/pages.ts), and putting hono/html
 * output into a slot: the same functions render on the server and here.
 */
import type { HtmlEscapedString } from 'hono/utils/html';
import { pageContextFrom, type PageContext, type PageWords } from '../inbox/pages.ts';

export function pageWords(): PageWords | null {
  const block = document.getElementById('inbox-words');
  if (!block?.textContent) return null;
  try {
    return JSON.parse(block.textContent) as PageWords;
  } catch {
    return null;
  }
}

export function contextOf(words: PageWords): PageContext {
  return pageContextFrom(words);
}

/** hono/html output (escaped when it was made) into an element. */
export async function fill(element: Element, markup: string | HtmlEscapedString | Promise<HtmlEscapedString>): Promise<void> {
  element.innerHTML = String(await markup);
}
