/**
 * Quick exit, progressive enhancement of a plain link (which already works
 * without JavaScript). With JavaScript it:
 *  - uses location.replace, so this site leaves the Back history;
 *  - hides the page at once, before the neutral site has loaded;
 *  - answers a keyboard shortcut: Escape twice, or Shift three times
 *    (as GOV.UK's "Exit this page"), within one second.
 */
const SHORTCUT_WINDOW_MS = 1000;

function leave(url: string): void {
  document.documentElement.classList.add('is-leaving');
  document.title = '';
  window.location.replace(url);
}

function init(): void {
  const link = document.querySelector<HTMLAnchorElement>('a[data-quick-exit]');
  if (!link) return;
  const target = link.href;

  link.addEventListener('click', (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    leave(target);
  });

  const presses: Record<'Escape' | 'Shift', number[]> = { Escape: [], Shift: [] };
  const needed = { Escape: 2, Shift: 3 } as const;
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' && event.key !== 'Shift') {
      presses.Escape = [];
      presses.Shift = [];
      return;
    }
    if (event.repeat) return;
    const now = event.timeStamp;
    const recent = presses[event.key].filter((t) => now - t < SHORTCUT_WINDOW_MS);
    recent.push(now);
    presses[event.key] = recent;
    if (recent.length >= needed[event.key]) leave(target);
  });
}

init();
