import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverAlert } from '../src/alert-delivery.ts';
import { dueEscalations, summarize } from '../src/alerts.ts';
import { fixedRecipientDirectory } from '../src/promise.ts';
import { envelopeBody, makeIntake, sampleRequest } from './helpers.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('alerts without content', () => {
  it('escalates an unclaimed request once at 6 h and once at 2 h before its deadline, and says only counts and minutes', async () => {
    const intake = await makeIntake();
    cleanups.push(intake.cleanup);
    const { dir, store } = intake;
    const request = sampleRequest('SENTINEL-alert-content');
    const received = new Date('2026-12-01T00:00:00Z');
    await store.receive(
      await envelopeBody(intake, request),
      fixedRecipientDirectory({ [intake.kid]: 'x' }, { x: { firstContactHours: 24 } }),
      received,
    );
    const at = (hours: number) => new Date(received.getTime() + hours * 3_600_000);

    expect(dueEscalations(store, at(17))).toEqual([]);
    expect(dueEscalations(store, at(18.5)).map((e) => e.level)).toEqual(['6h']);
    expect(dueEscalations(store, at(19))).toEqual([]);
    expect(dueEscalations(store, at(22.5)).map((e) => e.level)).toEqual(['2h']);
    expect(dueEscalations(store, at(23))).toEqual([]);

    const message = summarize(store, 'escalation', at(22.5), 90);
    expect(Object.keys(message).sort()).toEqual(['at', 'event', 'minutesLeft', 'open', 'overdue', 'unclaimed']);
    expect(message).toMatchObject({ event: 'escalation', open: 1, unclaimed: 1, overdue: 0, minutesLeft: 90 });

    // Delivered to a command's standard input (no shell): here `tee` writes it to a file.
    const file = join(dir, 'alert.json');
    const lines: string[] = [];
    await deliverAlert({ command: `tee ${file}` }, message, (line) => lines.push(line));
    const sent = await readFile(file, 'utf8');
    expect(JSON.parse(sent)).toEqual(message);
    for (const secret of [request.receipt, request.message, request.contact.phone!, 'sv']) expect(sent).not.toContain(secret);
    expect(lines.join('\n')).not.toContain(request.receipt);
  });
});
