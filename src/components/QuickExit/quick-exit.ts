/**
 * Quick exit, progressive enhancement of a plain link (which already works
 * without JavaScript). With JavaScript it:
 *  - uses location.replace, so this site leaves the Back history;
 *  - hides the page at once, before the neutral site has loaded;
 *  - answers one keyboard shortcut: Shift three times in a row;
 *  - keeps the page's scroll padding equal to the safety bar's real height
 *    (it wraps differently in every language and at every width).
 *
 * Why not Escape: Escape is the key people press to dismiss or undo. It
 * clears a search field, closes a drop-down list, cancels an input method,
 * and gets pressed twice without a thought. The 2026 accessibility test
 * lost a half-written message that way, for good (location.replace leaves
 * no way back). GOV.UK's "Exit this page" uses Shift only, for this reason.
 * Shift pressed with Alt, Ctrl or Meta (switching keyboard layout, common
 * for people who write Arabic or Persian as well as Latin letters) and
 * Shift during an input method's composition do not count; any other key
 * in between starts the count again, so typing capitals never leaves.
 */
const SHIFT_PRESSES_NEEDED = 3;
const SHORTCUT_WINDOW_MS = 2000;

function leave(url: string): void {
  document.documentElement.classList.add('is-leaving');
  document.title = '';
  window.location.replace(url);
}

function followSafetyBarHeight(): void {
  const bar = document.querySelector<HTMLElement>('[data-safety-bar]');
  if (!bar || !('ResizeObserver' in window)) return;
  const root = document.documentElement;
  new ResizeObserver(() => {
    root.style.setProperty('--safety-bar-height', `${Math.ceil(bar.getBoundingClientRect().height)}px`);
  }).observe(bar);
}

/** The footer's sentence about the shortcut, only where there is a keyboard to use it. */
function revealShortcutNote(): void {
  const note = document.querySelector<HTMLElement>('[data-quick-exit-shortcut]');
  if (!note) return;
  const reveal = () => {
    note.hidden = false;
  };
  // A fine pointer (mouse, trackpad) nearly always comes with a keyboard;
  // on a phone the note appears only once a real key has been pressed.
  if (window.matchMedia('(any-pointer: fine)').matches) reveal();
  else document.addEventListener('keydown', reveal, { once: true });
}

function init(): void {
  followSafetyBarHeight();
  const link = document.querySelector<HTMLAnchorElement>('a[data-quick-exit]');
  if (!link) return;
  const target = link.href;
  revealShortcutNote();

  link.addEventListener('click', (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey) return;
    event.preventDefault();
    leave(target);
  });

  let shiftPresses: number[] = [];
  document.addEventListener('keydown', (event) => {
    const counts = event.key === 'Shift' && !event.altKey && !event.ctrlKey && !event.metaKey && !event.isComposing;
    if (!counts) {
      shiftPresses = [];
      return;
    }
    if (event.repeat) return;
    const now = event.timeStamp;
    shiftPresses = [...shiftPresses.filter((t) => now - t < SHORTCUT_WINDOW_MS), now];
    if (shiftPresses.length >= SHIFT_PRESSES_NEEDED) leave(target);
  });
}

init();
