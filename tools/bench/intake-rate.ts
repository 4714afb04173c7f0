/**
 * The municipal intake's push receiver on this machine, the path `intake
 * serve` runs for each delivery: 10,000 requests made, sealed
 * (createRequest + sealRequest: validation, padding, HPKE) and signed as
 * the Worker's queue consumer signs a push, then posted one after another
 * to the push app (intake/src/receiver/push-app.ts, in process through
 * Hono's app.request, without sockets): signature check, free-space
 * check, HPKE open, validation, one committed SQLite row (WAL,
 * synchronous=FULL) with its audit line, and a signed receipt. Rates
 * reported apart.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRecipientKeyPair, sealRequest } from '../../protocol/envelope.ts';
import { createRequest } from '../../protocol/request.ts';
import { NO_RECIPIENTS } from '../../intake/src/promise.ts';
import { generateSigningKey, importSigningKey, receiverAuth, signPush } from '../../protocol/push-auth.ts';
import { createPushApp, PUSH_PATH } from '../../intake/src/receiver/push-app.ts';
import { IntakeStore } from '../../intake/src/store.ts';
import { provisionDevVault } from '../dev/dev-vault.ts';

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
  const store = IntakeStore.open(dir, randomBytes(32));
  try {
    const key = await generateRecipientKeyPair();
    // The intake holds the key in its vault (issue 19): it stores what is sealed to it without opening it.
    await provisionDevVault(store, [{ ...key, notAfter: '2099-12-31' }]);
    const worker = await generateSigningKey();
    const workerKey = await importSigningKey(worker.privateJwk);
    const receipt = await generateSigningKey();
    const pushAuth = await receiverAuth('stockholm', [worker.publicKey], receipt.privateJwk);
    const app = createPushApp({ store, recipients: NO_RECIPIENTS, pushAuth, log: () => undefined });
    const pushes: { body: string; headers: Record<string, string> }[] = [];
    log(`  intake: sealing and signing ${count} requests`);
    let started = performance.now();
    for (let i = 0; i < count; i++) {
      const request = createRequest({
        locale: 'sv',
        role: i % 3 === 0 ? 'relative' : 'self',
        municipality: 'stockholm',
        needs: ['leave-crime', 'housing'],
        contact: {
          method: 'sms',
          phone: '070-123 45 67',
          safeTimes: 'vardagar efter 18',
          voicemailOk: false,
          mayNameSocialServices: false,
        },
        language: 'svenska',
        interpreter: false,
        message: `Jag vill prata med någon om att ta mig ur det här. (${i})`,
      });
      const body = JSON.stringify(await sealRequest(request, { kid: key.kid, publicKey: key.publicKey }));
      pushes.push({ body, headers: (await signPush(workerKey, 'stockholm', body)).headers });
    }
    const sealSeconds = (performance.now() - started) / 1000;
    log(`  intake: receiving ${count} pushes`);
    started = performance.now();
    let stored = 0;
    for (const push of pushes) {
      const answer = await app.request(PUSH_PATH, {
        method: 'POST',
        body: push.body,
        headers: { 'content-type': 'application/json', ...push.headers },
      });
      if (answer.status === 201) stored++;
    }
    const storeSeconds = (performance.now() - started) / 1000;
    if (stored !== count || store.count() !== count) throw new Error(`stored ${stored}, the store has ${store.count()}, expected ${count}`);
    return {
      envelopes: count,
      sealPerSecond: Math.round(count / sealSeconds),
      storePerSecond: Math.round(count / storeSeconds),
      sealSeconds: Number(sealSeconds.toFixed(1)),
      storeSeconds: Number(storeSeconds.toFixed(1)),
      stored,
    };
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
