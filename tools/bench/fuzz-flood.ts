/**
 * The flood case (review N1, issue 21.6): a seeded flood on the real Worker
 * under wrangler dev, from four prefixes, each spread over many addresses
 * (four IPv6 /48s with a fresh /64 for most posts, or IPv4 /24s), posting
 * one valid envelope again and again. Properties:
 *  - every answer is 202 (taken, or a replay dropped) or 429 (that sender
 *    over its own limit), nothing else;
 *  - the replayed request reaches the receiver once;
 *  - afterwards a fifth sender's request is answered 202 and arrives: the
 *    flood locked nobody else out.
 */
import { createRequest } from '../../protocol/request.ts';
import { sampleAnswers } from '../dev/sample-request.ts';
import { sealRequest } from '../../protocol/envelope.ts';
import { Rng } from './fuzz-cases.ts';
import { intakeDataFiles, sendControlEnvelope, type FuzzWorker, type RunSummary, type Failure } from './fuzz-run.ts';

export async function fuzzFlood(worker: FuzzWorker, options: { seed: number; cases: number; concurrency?: number }): Promise<RunSummary> {
  const started = performance.now();
  // What an earlier run in this system left in the receiver (its control request) is not this run's.
  const earlier = (await intakeDataFiles(worker.intakeDir)).map((file) => file.replace(/^[^/]*\//, '').replace(/\..*$/, ''));
  const rng = new Rng(options.seed ^ 0xf100d);
  const request = createRequest(sampleAnswers('fuzz flood: one envelope, posted again and again', { needs: [] }));
  const body = JSON.stringify(await sealRequest(request, worker.publicKeys[0]!));
  // Four flooders: two IPv6 sites and two IPv4 networks, chosen by the seed.
  const sites = [0, 1].map(() => `2001:db8:${(0x8000 + rng.int(0x7fff)).toString(16)}`);
  const networks = [0, 1].map(() => `198.${18 + rng.int(2)}.${rng.int(256)}`);
  const failures: Failure[] = [];
  const outcomes: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency ?? 4 }, async () => {
      while (next < options.cases) {
        const index = next++;
        const flooder = rng.int(4);
        const address =
          flooder < 2
            ? `${sites[flooder]}:${rng.int(0x10000).toString(16)}:${rng.int(0x10000).toString(16)}::${(1 + rng.int(0xfffe)).toString(16)}`
            : `${networks[flooder - 2]}.${1 + rng.int(254)}`;
        let status: number;
        try {
          const res = await fetch(`${worker.system.url}/api/contact`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'cf-connecting-ip': address },
            body,
          });
          status = res.status;
          await res.body?.cancel();
        } catch (error) {
          failures.push({ index, kind: 'flood', problem: `no answer: ${(error as Error).message}` });
          continue;
        }
        outcomes[String(status)] = (outcomes[String(status)] ?? 0) + 1;
        if (status !== 202 && status !== 429) failures.push({ index, kind: 'flood', problem: `answered ${status}` });
      }
    }),
  );
  // The fifth sender, and nothing in the receiver but it and the flooded request (once).
  const control = await sendControlEnvelope(worker, [request.id, ...earlier]);
  if (control) failures.push({ index: -1, kind: 'control', problem: `after the flood: ${control}` });
  return {
    target: 'a flood of one envelope from four prefixes (POST /api/contact)',
    seed: options.seed,
    cases: options.cases,
    failures,
    outcomes,
    seconds: (performance.now() - started) / 1000,
  };
}
