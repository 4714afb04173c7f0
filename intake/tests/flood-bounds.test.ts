/**
 * The inbox side of floods (issue 21 part 1, security review N2): alerts
 * are capped at one per window, with a count. (Whether a request fits this
 * version is known only in the browser since issue 19, so the server no
 * longer bounds needs-review requests apart from the others.)
 */
import { describe, expect, it } from 'vitest';
import { AlertGate, ESCALATION_WINDOW_MINUTES } from '../src/alerts.ts';

describe('alerts under a flood (N2)', () => {
  it('sends one escalation per window however many requests cross a level, and counts the rest into the next', () => {
    const gate = new AlertGate(ESCALATION_WINDOW_MINUTES);
    const start = Date.parse('2026-01-01T00:00:00Z');
    const sent: { count: number; minutesLeft: number | null }[] = [];
    // 1,000 unclaimed requests crossing the 6-hour level, one minute tick at a time.
    for (let minute = 0; minute < 60; minute++) {
      gate.add(minute < 50 ? 20 : 0, 360 - minute);
      const due = gate.take(start + minute * 60_000);
      if (due) sent.push(due);
    }
    // Minute 0 at once; minutes 1–30 together at minute 30: two alerts in an hour, not 1,000.
    expect(sent).toEqual([
      { count: 20, minutesLeft: 360 },
      { count: 30 * 20, minutesLeft: 330 },
    ]);
    // Nothing is lost: minutes 31–49 wait for the next window.
    expect(gate.take(start + 60 * 60_000)).toEqual({ count: 19 * 20, minutesLeft: 311 });
    expect(gate.take(start + 120 * 60_000)).toBeNull();
  });
});
