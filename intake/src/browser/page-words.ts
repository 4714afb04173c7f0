/**
 * The page as the app sees it: the words (`#inbox-words`), the page's
 * metadata (`#inbox-page`), who is signed in (`<body data-staff-id
 * data-role data-csrf data-lang>`), all rendered by inbox/pages.ts; and
 * putting hono/html output into a slot, so the same functions render on
 * the server and here.
 */
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Staff } from '../accounts.ts';
import type { AppPageData, PageContext } from '../inbox/pages.ts';
import type { InboxText } from '../inbox/text.ts';

function jsonBlock<T>(id: string): T | null {
  try {
    return JSON.parse(document.getElementById(id)?.textContent ?? 'null') as T | null;
  } catch {
    return null;
  }
}

export function pageData(): AppPageData | null {
  return jsonBlock<AppPageData>('inbox-page');
}

/** The page context (as pages.ts takes it) from the page itself. */
export function pageContext(): PageContext {
  const body = document.body.dataset;
  const staffId = Number(body['staffId']);
  const role = body['role'];
  return {
    lang: body['lang'] === 'en' ? 'en' : 'sv',
    t: jsonBlock<InboxText>('inbox-words') ?? ({} as InboxText),
    // Only what the pages' functions ask of a member: who (need-to-know, N7) and the role.
    staff: Number.isInteger(staffId) && (role === 'admin' || role === 'staff') ? ({ id: staffId, role } as Staff) : null,
    csrf: body['csrf'] ?? null,
  };
}

/** hono/html output (escaped when it was made) into an element. */
export async function fill(element: Element, markup: string | HtmlEscapedString | Promise<HtmlEscapedString>): Promise<void> {
  element.innerHTML = String(await markup);
  element.removeAttribute('aria-busy');
}
