/**
 * The intake's faults, end to end, with the real parts: the Worker under
 * `wrangler dev` (miniflare's queue producer and push consumer, the rate
 * limiter, the key set from dist/) and `intake serve` as a child process
 * writing to a temp inbox. Nothing is mocked; each test has its own intake
 * folder (a copy of the test intake's key), wrangler state and ports
 * (free ones from 8830–8860), and stops every child process afterwards, pass or fail.
 *
 * Needs dist/ built with the test intake's key (npm test does that first).
 * The Worker runs from a frozen bundle and dist/ snapshot (see
 * system-harness.ts), so edits and rebuilds elsewhere cannot reload it
 * mid-test.
 * The Worker's retry base is 1 s here (INTAKE_RETRY_BASE_SECONDS), so a
 * retried push comes back after 1, 2, 4 … seconds instead of 30, 60 ….
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { generateSigningKey, PUSH_MAX_SKEW_SECONDS } from '../../protocol/push-auth.ts';
import { createServer } from 'node:http';
import {
  countAnswers,
  dataFiles,
  freePorts,
  freezeWorker,
  inboxIds,
  makeIntakeCopy,
  postEnvelope,
  postPush,
  queueSummary,
  retriedCount,
  sealedBody,
  signPush,
  sleep,
  startReceiver,
  startWorker,
  stopAllChildren,
  storedRequest,
  storedRequests,
  testRequest,
  waitForInbox,
  waitUntil,
  within,
  type FrozenWorker,
  type IntakeCopy,
} from './system-harness.ts';

const FAST_RETRY = { INTAKE_RETRY_BASE_SECONDS: '1' };

let intake: IntakeCopy | undefined;
let frozen: FrozenWorker;
const sitePorts: number[] = [];

beforeAll(async () => {
  frozen = await freezeWorker({ serviceLimitPerMinute: 100_000 });
});

afterAll(async () => {
  await stopAllChildren();
  await frozen?.cleanup();
});

afterEach(async () => {
  await stopAllChildren();
  // Nothing may keep serving after the test: wrangler must have taken workerd down with it.
  for (const port of sitePorts.splice(0)) {
    const stillUp = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2000) }).then(
      () => true,
      () => false,
    );
    expect(stillUp, `something still answers on port ${port} after the test`).toBe(false);
  }
  await intake?.cleanup();
  intake = undefined;
});

/** The request as stored (the store holds the envelope; the test decrypts it with the test key). */
async function readStored(dir: string, id: string): Promise<{ request: Awaited<ReturnType<typeof storedRequest>> }> {
  return { request: await storedRequest(dir, id) };
}

describe('intake faults through the real Worker, queue and receiver', () => {
  it('receiver down when a request comes: the push is retried and the request arrives exactly once after the receiver starts', async () => {
    intake = await makeIntakeCopy();
    const [sitePort, intakePort] = await freePorts(2);
    sitePorts.push(sitePort!);
    const worker = await startWorker(intake, frozen, { sitePort: sitePort!, intakePort: intakePort!, extraWorkerEnv: FAST_RETRY });
    const request = testRequest(1);

    expect(await postEnvelope(worker.url, await sealedBody(intake.key, request))).toBe(202);
    // Nobody listens on the intake port: the consumer's push fails and it retries, more than once.
    expect(await waitUntil(() => retriedCount(worker.output()) >= 2, 20_000), 'the consumer should retry the failed push').toBe(true);
    expect(await inboxIds(intake.dir)).toEqual([]);

    const receiver = await startReceiver({ dir: intake.dir, port: intakePort!, intake });
    expect(await waitForInbox(intake.dir, 1, 30_000)).toEqual([request.id]);
    expect((await readStored(intake.dir, request.id)).request).toEqual(request);

    // The queue acks it on the 201 (wrangler's "QUEUE utvag-intake 1/1"): no further delivery.
    expect(await waitUntil(() => queueSummary(worker.output()).acked >= 1, 10_000), 'the queue should ack the delivered message').toBe(
      true,
    );
    await sleep(1000);
    expect(queueSummary(worker.output()).acked).toBe(1);
    expect(receiver.answers()).toEqual(['201 stored']);
    expect(await dataFiles(intake.dir)).toEqual([`requests/${request.id}`]);
  });

  it("a 2xx without the receiver's signed receipt (a proxy, a maintenance page) is not a delivery: retried until the real receiver stores it", async () => {
    intake = await makeIntakeCopy();
    const [sitePort, intakePort] = await freePorts(2);
    sitePorts.push(sitePort!);
    // Something else answers on the receiver's port: 200 with a body that looks like success, and a redirect.
    let answered = 0;
    const impostor = createServer((request, response) => {
      request.resume();
      answered++;
      if (answered % 2 === 0) {
        response.writeHead(307, { location: `http://127.0.0.1:${intakePort}/elsewhere` });
        response.end();
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ result: 'stored', receipt: { v: 2, status: 'stored', sig: 'A'.repeat(86) } }));
      }
    });
    await new Promise<void>((resolve) => impostor.listen(intakePort, '127.0.0.1', resolve));
    const worker = await startWorker(intake, frozen, { sitePort: sitePort!, intakePort: intakePort!, extraWorkerEnv: FAST_RETRY });
    const request = testRequest(7);
    expect(await postEnvelope(worker.url, await sealedBody(intake.key, request))).toBe(202);
    expect(
      await waitUntil(() => answered >= 3 && retriedCount(worker.output()) >= 3, 30_000),
      'the consumer should retry after each receipt-less 2xx and redirect',
    ).toBe(true);
    expect(queueSummary(worker.output()).acked).toBe(0);
    impostor.closeAllConnections();
    await new Promise((resolve) => impostor.close(resolve));

    const receiver = await startReceiver({ dir: intake.dir, port: intakePort!, intake });
    expect(await waitForInbox(intake.dir, 1, 30_000)).toEqual([request.id]);
    expect(await waitUntil(() => queueSummary(worker.output()).acked >= 1, 10_000), 'acked once the real receipt comes').toBe(true);
    expect(receiver.answers()).toEqual(['201 stored']);
  });

  {
    it('receiver killed mid-write (row written, before COMMIT): no 2xx, the push is retried, one complete entry after restart', async () => {
      intake = await makeIntakeCopy();
      const [sitePort, intakePort] = await freePorts(2);
      const ports = { sitePort: sitePort!, intakePort: intakePort! };
      sitePorts.push(ports.sitePort);
      const crashing = await startReceiver({ dir: intake.dir, port: ports.intakePort, intake, crashBeforeCommit: true });
      const worker = await startWorker(intake, frozen, { ...ports, extraWorkerEnv: FAST_RETRY });
      const request = testRequest(2);

      expect(await postEnvelope(worker.url, await sealedBody(intake.key, request))).toBe(202);
      // The receiver dies inside the transaction, before COMMIT and before answering.
      expect(await within(crashing.exited, 30_000, 'still running after 30 s')).toBe('SIGKILL');
      expect(crashing.answers()).toEqual([]);
      expect(
        await waitUntil(() => retriedCount(worker.output()) >= 1, 15_000),
        'the consumer should retry the push that got no answer',
      ).toBe(true);
      // The uncommitted row is gone: nothing half-written is visible in the store.
      expect(await dataFiles(intake.dir)).toEqual([]);

      const restarted = await startReceiver({ dir: intake.dir, port: ports.intakePort, intake });
      expect(await waitForInbox(intake.dir, 1, 30_000)).toEqual([request.id]);
      expect(await waitUntil(() => queueSummary(worker.output()).acked >= 1, 10_000), 'the queue should ack the delivered message').toBe(
        true,
      );
      await sleep(1000);
      expect(queueSummary(worker.output()).acked).toBe(1);
      expect(restarted.answers()).toEqual(['201 stored']);
      // Exactly one entry, complete, nothing in quarantine.
      expect(await dataFiles(intake.dir)).toEqual([`requests/${request.id}`]);
      expect((await readStored(intake.dir, request.id)).request).toEqual(request);
    });
  }

  it('the same envelope POSTed twice: the Worker drops the replay, so one delivery and one inbox entry (N1)', async () => {
    intake = await makeIntakeCopy();
    const [sitePort, intakePort] = await freePorts(2);
    sitePorts.push(sitePort!);
    const receiver = await startReceiver({ dir: intake.dir, port: intakePort!, intake });
    const worker = await startWorker(intake, frozen, { sitePort: sitePort!, intakePort: intakePort!, extraWorkerEnv: FAST_RETRY });
    const request = testRequest(3);
    const body = await sealedBody(intake.key, request);

    // Both are answered as accepted (a replay learns nothing), but only the first is queued.
    expect(await postEnvelope(worker.url, body)).toBe(202);
    expect(await postEnvelope(worker.url, body)).toBe(202);
    expect(await waitUntil(() => receiver.answers().length >= 1, 30_000), 'the first delivery should reach the receiver').toBe(true);
    expect(await waitUntil(() => queueSummary(worker.output()).acked >= 1, 10_000), 'the queue should ack the message').toBe(true);
    // Give a second delivery time to arrive, were there one. (An intake also refuses to store a
    // duplicate that reaches it: intake/tests/, and the intake fuzzer's store:duplicate cases.)
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(receiver.answers()).toEqual(['201 stored']);
    expect(queueSummary(worker.output())).toMatchObject({ acked: 1, handed: 1 });
    expect(await inboxIds(intake.dir)).toEqual([request.id]);
  });

  it('forged pushes straight at the receiver are refused and nothing reaches the inbox', async () => {
    intake = await makeIntakeCopy();
    const [intakePort] = await freePorts(1);
    const receiver = await startReceiver({ dir: intake.dir, port: intakePort!, intake });
    const body = await sealedBody(intake.key, testRequest(4));
    const stranger = await generateRecipientKeyPair();
    const unknownKidBody = await sealedBody(stranger, testRequest(5));
    // Sealed to a key this intake does not hold, but labelled with the intake's kid.
    const wrongKidBody = JSON.stringify({ ...(JSON.parse(unknownKidBody) as object), kid: intake.key.kid });
    // Another Worker's key (or a receiver's own key: receivers hold no signing key of the Worker's).
    const otherKey = JSON.stringify((await generateSigningKey()).privateJwk);
    const own = intake.workerSigningKey;
    const me = intake.recipient;
    const stale = new Date(Date.now() - (PUSH_MAX_SKEW_SECONDS + 60) * 1000);
    const future = new Date(Date.now() + (PUSH_MAX_SKEW_SECONDS + 60) * 1000);

    const answers = {
      'signed with another key': await postPush(receiver.port, body, await signPush(otherKey, me, body)),
      unsigned: await postPush(receiver.port, body, {}),
      'signature of another body': await postPush(receiver.port, body, await signPush(own, me, unknownKidBody)),
      'unknown kid, signed with another key': await postPush(receiver.port, unknownKidBody, await signPush(otherKey, me, unknownKidBody)),
      'meant for another recipient': await postPush(receiver.port, body, await signPush(own, 'malmo', body)),
      'stale timestamp': await postPush(receiver.port, body, await signPush(own, me, body, stale)),
      'future timestamp': await postPush(receiver.port, body, await signPush(own, me, body, future)),
      'unknown kid, correctly signed': await postPush(receiver.port, unknownKidBody, await signPush(own, me, unknownKidBody)),
    };
    expect(answers).toEqual({
      'signed with another key': 401,
      unsigned: 401,
      'signature of another body': 401,
      'unknown kid, signed with another key': 401,
      'meant for another recipient': 403,
      'stale timestamp': 400,
      'future timestamp': 400,
      'unknown kid, correctly signed': 400,
    });
    // A correctly signed envelope under the intake's own kid that its key cannot open: the receiver
    // opens nothing (issue 19), so it is stored as it came and the inbox's browser shows it as damaged.
    expect(await postPush(receiver.port, wrongKidBody, await signPush(own, me, wrongKidBody))).toBe(201);

    expect(await inboxIds(intake.dir)).toEqual([]);
    const files = await dataFiles(intake.dir);
    // Only what passed the signature check is kept: the unknown kid in quarantine, the other as one damaged row.
    expect(files.map((file) => file.split('/')[0])).toEqual(['damaged', 'quarantine']);
    expect(receiver.answers().filter((answer) => answer.includes('quarantined'))).toEqual(['400 quarantined_unknown_kid']);
  });

  it('1,000 distinct requests in a burst through the Worker: all 1,000 arrive, once each, within 120 s', async () => {
    const count = 1000;
    const concurrency = 20;
    intake = await makeIntakeCopy();
    const [sitePort, intakePort] = await freePorts(2);
    sitePorts.push(sitePort!);
    const receiver = await startReceiver({ dir: intake.dir, port: intakePort!, intake });
    const worker = await startWorker(intake, frozen, { sitePort: sitePort!, intakePort: intakePort!, extraWorkerEnv: FAST_RETRY });
    const requests = Array.from({ length: count }, (_, n) => testRequest(1000 + n));
    const bodies = await Promise.all(requests.map((request) => sealedBody(intake!.key, request)));

    const started = Date.now();
    // Each from its own address (CF-Connecting-IP reaches the Worker under wrangler dev), so the
    // per-address limit of 10 a minute applies to each sender, as it would for real visitors.
    const statuses: number[] = new Array(count);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const n = next++;
          statuses[n] = await postEnvelope(worker.url, bodies[n]!, `198.18.${n >> 8}.${n & 255}`);
        }
      }),
    );
    expect(statuses.filter((status) => status !== 202)).toEqual([]);

    const ids = await waitForInbox(intake.dir, count, 120_000 - (Date.now() - started));
    const seconds = (Date.now() - started) / 1000;
    // Counts only, to tell a slow queue from failing pushes when this fails.
    const progress = `after ${seconds.toFixed(1)} s: queue ${JSON.stringify(queueSummary(worker.output()))}, receiver ${JSON.stringify(countAnswers(receiver.answers()))}`;
    expect(ids, progress).toHaveLength(count);
    expect(ids).toEqual(requests.map((request) => request.id).sort());
    expect(seconds).toBeLessThan(120);
    // Every entry is the request it is named after, and every one was stored exactly once.
    const byId = new Map((await storedRequests(intake.dir)).map((stored) => [stored.id, stored]));
    for (const request of requests) expect(byId.get(request.id)?.message).toBe(request.message);
    expect(receiver.answers().filter((answer) => answer === '201 stored')).toHaveLength(count);
    expect(await waitUntil(() => queueSummary(worker.output()).acked >= count, 10_000), progress).toBe(true);
    const files = await dataFiles(intake.dir);
    expect(files.filter((file) => file.startsWith('requests/'))).toHaveLength(count);
    expect(files).toHaveLength(count);
    console.log(`burst: ${count} requests through the Worker into the inbox ${progress}`);
  });
});
