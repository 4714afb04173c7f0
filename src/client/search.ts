/**
 * Site search with Pagefind's JavaScript API (not its default UI, which
 * writes inline styles the CSP forbids). pagefind.js, its WebAssembly and
 * the index for this page's <html lang> load from the site itself, only on
 * the search page, at the first focus or search. The query is matched in the
 * browser: it is never sent anywhere, not stored, not put in the address.
 *
 * Results are drawn with DOM APIs. Pagefind's excerpt is HTML with <mark>
 * around the hits; it is parsed in an inert document and rebuilt from its
 * text and <mark> elements only, so no markup from the index reaches the page.
 */

export {};

interface PagefindResultData {
  url: string;
  excerpt: string;
  meta: { title?: string };
}
interface PagefindResult {
  id: string;
  data(): Promise<PagefindResultData>;
}
interface PagefindApi {
  options(options: Record<string, unknown>): Promise<void>;
  init(): Promise<void>;
  search(term: string): Promise<{ results: PagefindResult[] } | null>;
}

const maxResults = 10;
const debounceMs = 250;

const root = document.querySelector<HTMLElement>('[data-search]');
const form = root?.querySelector<HTMLFormElement>('[data-search-form]');
const input = form?.querySelector<HTMLInputElement>('input[type="search"]');
const statusLine = root?.querySelector<HTMLElement>('[data-search-status]');
const list = root?.querySelector<HTMLOListElement>('[data-search-results]');

if (root && form && input && statusLine && list) {
  const messages = root.dataset;
  let pagefind: Promise<PagefindApi> | undefined;
  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const load = (): Promise<PagefindApi> => {
    pagefind ??= (async () => {
      const url = new URL('/pagefind/pagefind.js', window.location.origin).href;
      const api = (await import(/* @vite-ignore */ url)) as PagefindApi;
      await api.options({ excerptLength: 24 });
      await api.init();
      return api;
    })();
    return pagefind;
  };

  const say = (text: string): void => {
    statusLine.textContent = text;
  };

  const excerptNodes = (html: string): Node[] => {
    const inert = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
    const out: Node[] = [];
    const walk = (node: Node): void => {
      for (const child of Array.from(node.childNodes)) {
        if (child.nodeType === Node.TEXT_NODE) {
          out.push(document.createTextNode(child.textContent ?? ''));
        } else if (child.nodeName === 'MARK') {
          const mark = document.createElement('mark');
          mark.textContent = child.textContent;
          out.push(mark);
        } else {
          walk(child);
        }
      }
    };
    walk(inert.body);
    return out;
  };

  const sameSite = (url: string): string | undefined => {
    const parsed = new URL(url, window.location.origin);
    return parsed.origin === window.location.origin ? parsed.pathname + parsed.hash : undefined;
  };

  const render = (items: PagefindResultData[]): void => {
    const fragment = document.createDocumentFragment();
    for (const item of items) {
      const href = sameSite(item.url);
      if (!href) continue;
      const li = document.createElement('li');
      const link = document.createElement('a');
      link.className = 'site-search__result-title';
      link.href = href;
      link.dir = 'auto';
      link.textContent = item.meta.title ?? href;
      const excerpt = document.createElement('p');
      excerpt.className = 'site-search__excerpt';
      excerpt.dir = 'auto';
      excerpt.append(...excerptNodes(item.excerpt));
      li.append(link, excerpt);
      fragment.append(li);
    }
    list.replaceChildren(fragment);
    list.hidden = list.childElementCount === 0;
  };

  const run = async (term: string): Promise<void> => {
    const ticket = ++latest;
    const query = term.trim();
    if (!query) {
      list.replaceChildren();
      list.hidden = true;
      say('');
      return;
    }
    say(messages.msgLoading ?? '');
    try {
      const api = await load();
      const found = await api.search(query);
      if (ticket !== latest || !found) return;
      const data = await Promise.all(found.results.slice(0, maxResults).map((r) => r.data()));
      if (ticket !== latest) return;
      render(data);
      // More hits than are listed: say so ("Showing 10 of 13"), not just the count.
      const count = found.results.length;
      say(
        count === 0
          ? (messages.msgNone ?? '')
          : count > maxResults
            ? (messages.msgResultsShown ?? '{{shown}} / {{count}}')
                .replace('{{shown}}', String(maxResults))
                .replace('{{count}}', String(count))
            : (messages.msgResults ?? '{{count}}').replace('{{count}}', String(count)),
      );
    } catch {
      if (ticket !== latest) return;
      list.replaceChildren();
      list.hidden = true;
      say(messages.msgError ?? '');
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    void run(input.value);
  });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(input.value), debounceMs);
  });
  // Start loading while the person types their first word.
  input.addEventListener('focus', () => void load().catch(() => undefined), { once: true });

  form.hidden = false;
  for (const note of document.querySelectorAll<HTMLElement>('[data-search-nojs]')) note.hidden = true;
}
