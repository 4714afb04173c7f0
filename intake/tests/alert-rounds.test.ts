/**
 * The alert rounds both homes run (alerts.ts AlertRounds): `intake serve`
 * every minute, a hosted inbox's alarm only when nextAt says something may
 * be due. nextAt must never be later than the next alert due.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AlertRounds, NEW_WINDOW_MINUTES } from '../src/alerts.ts';
import { fixedRecipientDirectory } from '../src/promise.ts';
import { envelopeBody, makeIntake, sampleRequest } from './helpers.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('alert rounds', () => {
  it('say when the next alert may go: a new one after its window, an escalation when a level is crossed', async () => {
    const intake = await makeIntake();
    cleanups.push(intake.cleanup);
    const { store } = intake;
    const rounds = new AlertRounds();
    const start = new Date('2026-12-01T00:00:00Z');
    const at = (ms: number) => new Date(start.getTime() + ms);
    expect(rounds.nextAt(store, start)).toBeNull();

    await store.receive(
      await envelopeBody(intake, sampleRequest('rounds')),
      fixedRecipientDirectory({ [intake.kid]: 'x' }, { x: { firstContactHours: 24 } }),
      start,
    );
    rounds.stored();
    // Due at once; then the 6 h level, 18 hours on.
    expect(rounds.nextAt(store, start)).toBeLessThanOrEqual(start.getTime());
    expect(rounds.due(store, start).map((m) => [m.event, m.count])).toEqual([['new', 1]]);
    expect(rounds.nextAt(store, at(1))).toBe(start.getTime() + 18 * HOUR);

    // A second request inside the window waits for its end, with its count.
    rounds.stored();
    expect(rounds.due(store, at(MINUTE))).toEqual([]);
    expect(rounds.nextAt(store, at(MINUTE))).toBe(start.getTime() + NEW_WINDOW_MINUTES * MINUTE);
    expect(rounds.due(store, at(NEW_WINDOW_MINUTES * MINUTE)).map((m) => m.count)).toEqual([1]);

    // At 18 h the escalation goes, and the next one waits for the 2 h level.
    const sixHoursLeft = at(18 * HOUR);
    expect(rounds.due(store, sixHoursLeft).map((m) => m.event)).toEqual(['escalation']);
    expect(rounds.nextAt(store, sixHoursLeft)).toBe(start.getTime() + 22 * HOUR);
  });
});
