import { afterEach, describe, expect, it } from 'vitest';
import { deliveryStatus } from '../src/delivery-watch.ts';
import { runCli } from '../src/cli.ts';
import { NO_RECIPIENTS } from '../src/promise.ts';
import { IntakeStore } from '../src/store.ts';
import { envelopeBody, makeIntake, sampleRequest, type TestIntake } from './helpers.ts';

const HOUR = 3_600_000;
/** The store's HMAC secret (normally unwrapped with the passphrase). */
const STORE_SECRET = Buffer.alloc(32, 7);

describe('the intake says when nothing has arrived for too long', () => {
  let intake: TestIntake | undefined;
  afterEach(async () => intake?.cleanup());

  it('the rule: overdue only after the expected time, and always when nothing ever arrived', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(deliveryStatus(new Date(now.getTime() - 5 * HOUR), 24 * HOUR, now).overdue).toBe(false);
    const late = deliveryStatus(new Date(now.getTime() - 30 * HOUR), 24 * HOUR, now);
    expect(late.overdue).toBe(true);
    expect(late.line).toMatch(/ALERT nothing has arrived for 30 h/);
    expect(deliveryStatus(null, 24 * HOUR, now)).toMatchObject({ overdue: true, lastDeliveredAt: null });
  });

  it('reads the newest arrival from the store (a redelivery counts), and the CLI exits 1 when it is overdue', async () => {
    intake = await makeIntake();
    const request = sampleRequest();
    const body = await envelopeBody(intake, request);
    const store = IntakeStore.open(intake.dir, STORE_SECRET);
    expect(store.lastReceivedAt()).toBeNull();
    const twoDaysAgo = new Date(Date.now() - 48 * HOUR);
    expect((await store.receive(body, NO_RECIPIENTS, twoDaysAgo)).status).toBe('stored');
    expect(store.lastReceivedAt()).toEqual(twoDaysAgo);
    store.close();
    const lines: string[] = [];
    const io = { out: (line: string) => void lines.push(line), err: (line: string) => void lines.push(line) };
    expect(await runCli(['delivery-check', '--dir', intake.dir, '--expect-within', '24'], io)).toBe(1);
    expect(lines.at(-1)).toMatch(/^delivery: ALERT nothing has arrived for 48 h/);
    // The same request delivered again now: delivery works, so no alert.
    const again = IntakeStore.open(intake.dir, STORE_SECRET);
    expect((await again.receive(body, NO_RECIPIENTS, new Date())).status).toBe('duplicate');
    again.close();
    expect(await runCli(['delivery-check', '--dir', intake.dir, '--expect-within', '24'], io)).toBe(0);
    expect(lines.at(-1)).toMatch(/^delivery: ok/);
    expect(lines.join('\n')).not.toContain(request.message);
  });
});
