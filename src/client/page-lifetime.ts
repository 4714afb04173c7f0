/**
 * Work that belongs to one showing of a page (review N4). A send or an
 * opening that is in flight when the page is hidden (app switch, screen
 * lock) or left (pagehide, maybe into the back/forward cache) is abandoned,
 * never resumed: its fetch is aborted, and after every await the work asks
 * `live()` and stops without touching the page when the answer is no.
 * Without this, a page frozen mid-send in the back/forward cache sent the
 * request when someone pressed Back, and showed that person the receipt
 * code and the reply secret.
 *
 * Also covers what a person should not leave on screen (N10): when the page
 * is hidden, the given parts are hidden behind a "Show again" button (so
 * the app switcher's snapshot shows nothing), and wiped when the page stays
 * hidden for WIPE_AFTER_MS.
 */

/** How long a page may stay hidden before its covered parts are wiped. */
export const WIPE_AFTER_MS = 3 * 60 * 1000;

export interface Ticket {
  /** False once the page has been hidden or left since the work started. */
  live(): boolean;
  /** Aborted at the same moment: pass it to fetch. */
  signal: AbortSignal;
  /** The work is over (call in finally). */
  end(): void;
}

export interface PageLifetime {
  /** A ticket for one piece of work. */
  start(): Ticket;
}

/** `onAbandon` runs when work was in flight as the page was hidden or left. */
export function pageLifetime(onAbandon: (reason: 'hidden' | 'left') => void = () => undefined): PageLifetime {
  let generation = 0;
  let controller = new AbortController();
  const inFlight = new Set<Ticket>();
  const abandon = (reason: 'hidden' | 'left') => {
    generation += 1;
    controller.abort();
    controller = new AbortController();
    if (inFlight.size > 0) onAbandon(reason);
    inFlight.clear();
  };
  addEventListener('pagehide', () => abandon('left'));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') abandon('hidden');
  });
  return {
    start() {
      const mine = generation;
      const ticket: Ticket = {
        live: () => mine === generation,
        signal: controller.signal,
        end: () => void inFlight.delete(ticket),
      };
      inFlight.add(ticket);
      return ticket;
    },
  };
}

/**
 * Hides `parts()` (those shown at that moment) when the page is hidden, and
 * puts a "Show again" button before the first of them; wipes (calls `wipe`)
 * when the page stays hidden WIPE_AFTER_MS, or is found to have been hidden
 * that long when it is shown again. `label` is the button's text and `note`
 * a line beside it, in the page's language.
 */
export function coverWhenHidden(options: { parts: () => HTMLElement[]; wipe: () => void; label: string; note: string }): void {
  let covered: HTMLElement[] = [];
  let hiddenAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cover = document.createElement('div');
  cover.className = 'privacy-cover';
  cover.hidden = true;
  const note = document.createElement('p');
  note.textContent = options.note;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'button';
  button.textContent = options.label;
  cover.append(note, button);

  const uncover = () => {
    for (const part of covered) part.hidden = false;
    const first = covered[0];
    covered = [];
    cover.hidden = true;
    cover.remove();
    first?.focus?.();
  };
  const wipeNow = () => {
    clearTimeout(timer);
    covered = [];
    cover.hidden = true;
    cover.remove();
    options.wipe();
  };
  button.addEventListener('click', uncover);

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') {
      const showing = options.parts().filter((part) => !part.hidden);
      if (showing.length === 0) return;
      covered = [...covered, ...showing];
      for (const part of showing) part.hidden = true;
      covered[0]!.before(cover);
      cover.hidden = false;
      hiddenAt = Date.now();
      clearTimeout(timer);
      timer = setTimeout(wipeNow, WIPE_AFTER_MS);
    } else if (covered.length > 0 && Date.now() - hiddenAt >= WIPE_AFTER_MS) {
      wipeNow(); // timers may not run while a phone sleeps
    }
  });
  // Leaving the page wipes anyway; the cover goes with it.
  addEventListener('pagehide', () => {
    if (covered.length > 0) wipeNow();
  });
}
