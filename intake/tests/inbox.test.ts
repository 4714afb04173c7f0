import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeTimeLeft, listInbox, markDone, quarantine, showRequest, storeEnvelope } from '../src/inbox.ts';
import { dataFiles, envelopeBody, makeIntake, sampleRequest, type TestIntake } from './helpers.ts';

describe('intake inbox', () => {
  let intake: TestIntake;
  afterEach(async () => intake?.cleanup());

  it('stores a request as owner-only JSON and readable text, with nothing left in tmp', async () => {
    intake = await makeIntake();
    const request = sampleRequest('مرحبا، أحتاج مساعدة');
    const result = await storeEnvelope(intake.dir, await envelopeBody(intake, request), intake.keys, new Date('2026-05-01T08:00:00Z'));
    expect(result).toEqual({ status: 'stored', id: request.id, receipt: request.receipt });
    expect(await dataFiles(intake.dir)).toEqual([`inbox/${request.id}.json`, `inbox/${request.id}.txt`]);
    const stored = JSON.parse(await readFile(join(intake.dir, 'inbox', `${request.id}.json`), 'utf8'));
    expect(stored).toEqual({ v: 1, receivedAt: '2026-05-01T08:00:00.000Z', kid: intake.kid, request });
    for (const ext of ['json', 'txt']) {
      expect((await stat(join(intake.dir, 'inbox', `${request.id}.${ext}`))).mode & 0o777).toBe(0o600);
    }
    const text = await readFile(join(intake.dir, 'inbox', `${request.id}.txt`), 'utf8');
    expect(text).toContain(request.receipt);
    expect(text).toContain('مرحبا، أحتاج مساعدة');
    expect(text).toContain('contact promised by 2026-05-02T08:00:00.000Z');
  });

  it('stores the same request once, however often it is delivered (also after done)', async () => {
    intake = await makeIntake();
    const request = sampleRequest();
    const body = await envelopeBody(intake, request);
    expect((await storeEnvelope(intake.dir, body, intake.keys)).status).toBe('stored');
    expect(await storeEnvelope(intake.dir, body, intake.keys)).toEqual({ status: 'duplicate', id: request.id });
    // A second, different envelope (new ephemeral key) of the same request is still the same request.
    expect(await storeEnvelope(intake.dir, await envelopeBody(intake, request), intake.keys)).toEqual({ status: 'duplicate', id: request.id });
    await markDone(intake.dir, request.receipt);
    expect((await storeEnvelope(intake.dir, body, intake.keys)).status).toBe('duplicate');
    expect(await dataFiles(intake.dir)).toEqual([`done/${request.id}.json`, `done/${request.id}.txt`]);
  });

  it('stores concurrent deliveries of one request exactly once', async () => {
    intake = await makeIntake();
    const request = sampleRequest();
    const bodies = await Promise.all([1, 2, 3, 4].map(() => envelopeBody(intake, request)));
    const results = await Promise.all(bodies.map((body) => storeEnvelope(intake.dir, body, intake.keys)));
    expect(results.filter((r) => r.status === 'stored')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(3);
    expect(await dataFiles(intake.dir)).toEqual([`inbox/${request.id}.json`, `inbox/${request.id}.txt`]);
  });

  it('lists open requests oldest first with the time left of the 24-hour promise; show and done by receipt code', async () => {
    intake = await makeIntake();
    const older = sampleRequest('first');
    const newer = sampleRequest('second');
    await storeEnvelope(intake.dir, await envelopeBody(intake, newer), intake.keys, new Date('2026-05-01T12:00:00Z'));
    await storeEnvelope(intake.dir, await envelopeBody(intake, older), intake.keys, new Date('2026-05-01T06:00:00Z'));
    const now = new Date('2026-05-02T08:30:00Z');
    const list = await listInbox(intake.dir, now);
    expect(list.map((entry) => entry.receipt)).toEqual([older.receipt, newer.receipt]);
    expect(describeTimeLeft(list[0]!.msLeft)).toBe('OVERDUE by 2 h 30 min');
    expect(describeTimeLeft(list[1]!.msLeft)).toBe('3 h 30 min left');

    const typed = older.receipt.toLowerCase().replace('-', ' ');
    expect(await showRequest(intake.dir, typed)).toContain('first');
    expect((await markDone(intake.dir, typed))?.id).toBe(older.id);
    expect((await listInbox(intake.dir, now)).map((entry) => entry.id)).toEqual([newer.id]);
    expect(await showRequest(intake.dir, older.receipt)).toBeNull();
    expect(await markDone(intake.dir, 'ZZZZ-ZZZZ')).toBeNull();
  });

  it('keeps envelopes it cannot open in quarantine, exactly as received, once per body', async () => {
    intake = await makeIntake();
    const other = await makeIntake();
    try {
      const body = await envelopeBody(other); // sealed to a key this intake does not have
      const first = await storeEnvelope(intake.dir, body, intake.keys);
      expect(first).toMatchObject({ status: 'quarantined', code: 'unknown_kid' });
      await storeEnvelope(intake.dir, body, intake.keys);
      const files = await dataFiles(intake.dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^quarantine\/[0-9a-f]{64}\.json$/);
      const kept = JSON.parse(await readFile(join(intake.dir, files[0]!), 'utf8'));
      expect(kept).toMatchObject({ code: 'unknown_kid', body });

      const tampered = JSON.parse(await envelopeBody(intake));
      tampered.ct = `${tampered.ct.slice(0, 100)}${tampered.ct[100] === 'A' ? 'B' : 'A'}${tampered.ct.slice(101)}`;
      expect(await storeEnvelope(intake.dir, JSON.stringify(tampered), intake.keys)).toMatchObject({ status: 'quarantined', code: 'decrypt_failed' });
      expect((await stat(join(intake.dir, 'quarantine'))).mode & 0o777).toBe(0o700);
    } finally {
      await other.cleanup();
    }
  });

  it('rejects what is not an envelope without writing anything; the caller may quarantine it', async () => {
    intake = await makeIntake();
    expect(await storeEnvelope(intake.dir, 'not json', intake.keys)).toEqual({ status: 'rejected', code: 'bad_envelope' });
    expect(await storeEnvelope(intake.dir, '{"v":1}', intake.keys)).toEqual({ status: 'rejected', code: 'bad_envelope' });
    expect(await dataFiles(intake.dir)).toEqual([]);
    await quarantine(intake.dir, 'not json', 'bad_envelope');
    expect(await dataFiles(intake.dir)).toHaveLength(1);
  });

  it('fails loudly (and stores nothing half-way) when the inbox cannot be written', async () => {
    intake = await makeIntake();
    await rm(join(intake.dir, 'inbox'), { recursive: true });
    await expect(storeEnvelope(intake.dir, await envelopeBody(intake), intake.keys)).rejects.toThrow();
    expect(await readdir(join(intake.dir, 'tmp'))).toEqual([]);
    expect(await readdir(join(intake.dir, 'quarantine'))).toEqual([]);
  });
});
