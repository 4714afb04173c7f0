/**
 * Forged follow-ups (review N3, issue 21.6): seeded hostile write-backs to
 * POST /api/reply/write-back on the real Worker under wrangler dev. A
 * person has an answer that offers a write-back, and one that does not;
 * every case is a write-back that someone without the secret could make:
 * signed with another key, with no or a broken signature, a body changed
 * after signing, to the answer that did not offer one, to a random answer
 * or mailbox, with a proof copied from another request. Properties: never
 * 2xx (nothing queued), always a documented error code with its status;
 * afterwards the person's own write-back is taken (202), once (409).
 */
import { replyErrorStatus } from '../../functions/reply-errors.ts';
import { base64urlEncode, sealRequest, type Envelope } from '../../protocol/envelope.ts';
import { replyKeysFromMaster, type ReplyKeys } from '../../protocol/reply-keys.ts';
import { importReplySenderKey, replyIdOf, sealReply } from '../../protocol/reply.ts';
import { replyPostBody } from '../../protocol/reply-post.ts';
import { createRequest } from '../../protocol/request.ts';
import {
  followUpAnswers,
  signFollowUp,
  signWriteBackPost,
  WRITE_BACK_PATH,
  WRITE_BACK_SIGNATURE_HEADER,
} from '../../protocol/write-back.ts';
import { Rng } from './fuzz-cases.ts';
import { answerWith, intakeKey, postSignedReply } from './fuzz-reply.ts';
import { sendHttp, type Failure, type FuzzWorker, type RunSummary } from './fuzz-run.ts';

interface Setup {
  person: ReplyKeys;
  offered: string;
  notOffered: string;
  envelope: Envelope;
  kid: string;
  publicKey: string;
}

async function envelopeFor(setup: Pick<Setup, 'person' | 'kid' | 'publicKey'>, signer: ReplyKeys, caseId: string): Promise<Envelope> {
  const request = createRequest(
    followUpAnswers({
      locale: 'sv',
      municipality: 'stockholm',
      message: 'fuzz: a follow-up',
      reply: { publicKey: setup.person.publicKey, mailbox: setup.person.mailbox },
      followUpOf: caseId,
    }),
  );
  request.followUpProof = await signFollowUp(signer.signingKey, { id: request.id, followUpOf: caseId, message: request.message });
  return sealRequest(request, { kid: setup.kid, publicKey: setup.publicKey });
}

async function hostileCase(rng: Rng, setup: Setup): Promise<{ kind: string; body: string; signature: string | null }> {
  const mine = setup.person.signingKey;
  const forger = await replyKeysFromMaster(new Uint8Array(rng.bytes(32)));
  const theirs = forger.signingKey;
  const post = { v: 1 as const, mailbox: setup.person.mailbox, reply: setup.offered, envelope: setup.envelope };
  switch (rng.int(8)) {
    case 0:
      return { kind: 'signed with another key', ...(await signWriteBackPost(theirs, post)) };
    case 1:
      return { kind: 'no signature', body: (await signWriteBackPost(mine, post)).body, signature: null };
    case 2: {
      const signed = await signWriteBackPost(mine, post);
      const sig = signed.signature.slice(0, 10) + (signed.signature[10] === 'A' ? 'B' : 'A') + signed.signature.slice(11);
      return { kind: 'a broken signature', body: signed.body, signature: sig };
    }
    case 3: {
      const signed = await signWriteBackPost(mine, post);
      return {
        kind: 'the body changed after signing',
        body: signed.body.replace(setup.envelope.enc, base64urlEncode(new Uint8Array([4, ...rng.bytes(64)]))),
        signature: signed.signature,
      };
    }
    case 4:
      return { kind: 'to the answer that offered none', ...(await signWriteBackPost(mine, { ...post, reply: setup.notOffered })) };
    case 5:
      return {
        kind: 'to a random answer',
        ...(await signWriteBackPost(mine, { ...post, reply: base64urlEncode(new Uint8Array(rng.bytes(16))) })),
      };
    case 6:
      return { kind: "a forger's own mailbox", ...(await signWriteBackPost(theirs, { ...post, mailbox: forger.mailbox })) };
    default:
      return {
        kind: "a forger's proof inside, the person's address",
        ...(await signWriteBackPost(theirs, { ...post, envelope: await envelopeFor(setup, forger, crypto.randomUUID()) })),
      };
  }
}

export async function fuzzForgedWriteBacks(
  worker: FuzzWorker,
  options: { seed: number; cases: number; concurrency?: number },
): Promise<RunSummary> {
  const started = performance.now();
  const failures: Failure[] = [];
  const outcomes: Record<string, number> = {};
  const { kid, jwk } = await intakeKey(worker);
  const publicKey = worker.publicKeys.find((key) => key.kid === kid)!.publicKey;
  const person = await replyKeysFromMaster(new Uint8Array(32).fill(11));
  const sender = await importReplySenderKey(jwk);
  const answer = async (writeBack: boolean) => {
    const reply = await sealReply(answerWith('write-back'), person, sender);
    const body = replyPostBody({
      v: 1,
      mailbox: person.mailbox,
      sent: Math.floor(Date.now() / 1000),
      reply,
      ...(writeBack ? { writeBack: person.publicKey } : {}),
    });
    const res = await postSignedReply(worker, jwk, body);
    if (!res.taken) failures.push({ index: -1, kind: 'setup', problem: `an answer was refused ${res.status}` });
    return replyIdOf(reply.ct);
  };
  const base = { person, kid, publicKey };
  const setup: Setup = {
    ...base,
    offered: await answer(true),
    notOffered: await answer(false),
    envelope: await envelopeFor(base, person, crypto.randomUUID()),
  };

  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency ?? 4 }, async () => {
      while (next < options.cases) {
        const index = next++;
        const rng = new Rng((options.seed ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
        const c = await hostileCase(rng, setup);
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'cf-connecting-ip': `2001:db8:${(0xa000 + (index % 0x5000)).toString(16)}::1`,
        };
        if (c.signature !== null) headers[WRITE_BACK_SIGNATURE_HEADER] = c.signature;
        const outcome = await sendHttp(
          worker.port,
          { method: 'POST', path: WRITE_BACK_PATH, headers, body: Buffer.from(c.body), delivery: 'whole' },
          15_000,
        );
        if ('error' in outcome) {
          failures.push({ index, kind: c.kind, problem: `no answer: ${outcome.error}` });
          continue;
        }
        const { status, body } = outcome.answer;
        outcomes[String(status)] = (outcomes[String(status)] ?? 0) + 1;
        let code: unknown;
        try {
          code = (JSON.parse(body.toString('utf8')) as { error?: unknown }).error;
        } catch {
          code = undefined;
        }
        if (status >= 200 && status < 300)
          failures.push({ index, kind: c.kind, problem: `accepted with ${status}: a forged write-back was queued` });
        else if (typeof code !== 'string' || replyErrorStatus[code as keyof typeof replyErrorStatus] !== status)
          failures.push({ index, kind: c.kind, problem: `${status} with an undocumented error ${JSON.stringify(code)}` });
      }
    }),
  );

  // Control: the person's own write-back is taken, once.
  const genuine = await signWriteBackPost(person.signingKey, {
    v: 1,
    mailbox: person.mailbox,
    reply: setup.offered,
    envelope: setup.envelope,
  });
  const post = () =>
    fetch(`${worker.system.url}${WRITE_BACK_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [WRITE_BACK_SIGNATURE_HEADER]: genuine.signature,
        'cf-connecting-ip': '2001:db8:c1:1::1',
      },
      body: genuine.body,
    });
  const first = await post();
  if (first.status !== 202)
    failures.push({ index: -1, kind: 'control', problem: `the person's own write-back was answered ${first.status}` });
  const again = await post();
  if (again.status !== 409)
    failures.push({ index: -1, kind: 'control', problem: `a second write-back to the same answer was answered ${again.status}` });
  return {
    target: 'forged follow-ups: POST /api/reply/write-back (Worker under wrangler dev)',
    seed: options.seed,
    cases: options.cases,
    failures,
    outcomes,
    seconds: (performance.now() - started) / 1000,
  };
}
