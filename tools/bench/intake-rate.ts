/**
 * The municipal intake's throughput on this machine: 10,000 requests made
 * and sealed (createRequest + sealRequest: validation, padding, HPKE) to a
 * temporary key, then opened and stored one after another with
 * storeEnvelope into a temporary folder (HPKE open, validation, two files
 * written to tmp/, fsync'd, linked into place, folder fsync'd — the
 * receiver's work per delivery, without HTTP). Rates reported apart.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyRing, sealRequest } from '../../protocol/envelope.ts';
import { createRequest } from '../../protocol/request.ts';
import { prepareIntakeDir, storeEnvelope } from '../../intake/src/inbox.ts';
import { dayAfter, generateKey, loadPrivateKeys } from '../../intake/src/keygen.ts';

export interface IntakeRateResult {
  envelopes: number;
  sealPerSecond: number;
  storePerSecond: number;
  sealSeconds: number;
  storeSeconds: number;
  stored: number;
}

export async function benchIntake(count = 10_000, log: (line: string) => void = () => undefined): Promise<IntakeRateResult> {
  const dir = await mkdtemp(join(tmpdir(), 'utvag-bench-intake-'));
  try {
    await prepareIntakeDir(dir);
    const key = await generateKey(dir, dayAfter(30));
    const keys = keyRing(await loadPrivateKeys(dir));
    const bodies: string[] = [];
    log(`  intake: sealing ${count} requests`);
    let started = performance.now();
    for (let i = 0; i < count; i++) {
      const request = createRequest({
        locale: 'sv',
        role: i % 3 === 0 ? 'relative' : 'self',
        municipality: 'stockholm',
        needs: ['leave-crime', 'housing'],
        contact: { method: 'sms', phone: '070-123 45 67', safeTimes: 'vardagar efter 18', voicemailOk: false, mayNameSocialServices: false },
        language: 'svenska',
        interpreter: false,
        message: `Jag vill prata med någon om att ta mig ur det här. (${i})`,
      });
      bodies.push(JSON.stringify(await sealRequest(request, { kid: key.kid, publicKey: key.publicKey })));
    }
    const sealSeconds = (performance.now() - started) / 1000;
    log(`  intake: opening and storing ${count} envelopes`);
    started = performance.now();
    let stored = 0;
    for (const body of bodies) {
      const result = await storeEnvelope(dir, body, keys);
      if (result.status === 'stored') stored++;
    }
    const storeSeconds = (performance.now() - started) / 1000;
    const inInbox = (await readdir(join(dir, 'inbox'))).filter((n) => n.endsWith('.json')).length;
    if (stored !== count || inInbox !== count) throw new Error(`stored ${stored}, inbox has ${inInbox}, expected ${count}`);
    return {
      envelopes: count,
      sealPerSecond: Math.round(count / sealSeconds),
      storePerSecond: Math.round(count / storeSeconds),
      sealSeconds: Number(sealSeconds.toFixed(1)),
      storeSeconds: Number(storeSeconds.toFixed(1)),
      stored,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
