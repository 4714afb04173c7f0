/**
 * Answering (issue 14) with a blind server (issue 19): the staff member's
 * browser seals the reply to the person with the recipient's own key
 * (unwrapped from the vault), signs the post, and hands the server the
 * record (a vault box) and the exact signed body; the server checks the
 * post, keeps it in the outbox before any attempt, posts it as it is, and
 * counts it delivered only on the Worker's signed acknowledgement. A site
 * that is down, or refuses, never loses a written reply; a signature the
 * Worker finds stale waits for a browser to sign it again.
 *
 * The browser's part is done here with the same modules the inbox app
 * bundles (reply-writer.ts, team-vault, reply-post.ts).
 */
import { createServer, type Server } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveReplyKeys } from '../../protocol/reply-keys.ts';
import { replyIdOf } from '../../protocol/reply.ts';
import { openReply } from '../../protocol/reply-open.ts';
import { REPLY_SIGNATURE_HEADER, replyPostBody, replyPostSchema, signReplyPost, verifyReplyPost } from '../../protocol/reply-post.ts';
import { createRequest, type ContactRequest } from '../../protocol/request.ts';
import { generateSigningKey, importSigningKey, signReplyAck, type Ed25519KeyPair } from '../../protocol/push-auth.ts';
import { answerHereAnswers, sampleAnswers } from '../../tools/dev/sample-request.ts';
import { verifyAudit } from '../src/audit.ts';
import { fixedRecipientDirectory } from '../src/promise.ts';
import { deliverOutbox, STALE } from '../src/reply-outbox.ts';
import { replyDraft, ReplyWriteError, writeReply, type OutgoingReply, type ReplySender } from '../src/reply-writer.ts';
import { IntakeStore } from '../src/store.ts';
import { openRecord, sealRecord, unwrapRecipientKey } from '../src/team-vault/index.ts';
import { envelopeBody } from './helpers.ts';
import { setUp } from './inbox-helpers.ts';

const SENTINEL_REQUEST = 'SENTINEL-request-7d1e';
const SENTINEL_REPLY = 'SENTINEL-reply-93ab';
const SECRET = '11112222333344445555';

/** The Worker's push key: it signs the acknowledgement of a stored reply (N12). */
let workerKey: Ed25519KeyPair;
const workerKeysBefore = process.env['INTAKE_WORKER_PUBLIC_KEYS'];
let mine: Awaited<ReturnType<typeof deriveReplyKeys>>;
let request: ContactRequest;

beforeEach(async () => {
  mine = await deriveReplyKeys(SECRET);
  workerKey ??= await generateSigningKey();
  process.env['INTAKE_WORKER_PUBLIC_KEYS'] = workerKey.publicKey;
  request = createRequest(answerHereAnswers(SENTINEL_REQUEST, mine, { locale: 'so' }));
});
afterEach(() => {
  if (workerKeysBefore === undefined) delete process.env['INTAKE_WORKER_PUBLIC_KEYS'];
  else process.env['INTAKE_WORKER_PUBLIC_KEYS'] = workerKeysBefore;
});

/**
 * A stand-in for the Worker's POST /api/reply that checks the signature,
 * records bodies and acknowledges as the Worker does (signed with its push
 * key), unless `ack` says otherwise.
 */
async function fakeSite(
  publicKey: string,
  status: (attempt: number) => number | { status: number; error: string },
  ack: 'signed' | 'none' | 'wrong-id' | 'other-key' = 'signed',
): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  let attempt = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', async () => {
      const valid =
        req.url === '/api/reply' && (await verifyReplyPost(body, req.headers[REPLY_SIGNATURE_HEADER.toLowerCase()] as string, publicKey));
      bodies.push(body);
      const wanted = valid ? status(++attempt) : { status: 401, error: 'bad_signature' };
      const code = typeof wanted === 'number' ? wanted : wanted.status;
      let answer: Record<string, unknown> = { error: typeof wanted === 'number' ? 'x' : wanted.error };
      if (code < 300) {
        const id = await replyIdOf((JSON.parse(body) as { reply: { ct: string } }).reply.ct);
        const signer = ack === 'other-key' ? (await generateSigningKey()).privateJwk : workerKey.privateJwk;
        const signedId = ack === 'wrong-id' ? 'AAAAAAAAAAAAAAAAAAAAAA' : id;
        answer = { ok: true, id, ...(ack === 'none' ? {} : { ack: await signReplyAck(await importSigningKey(signer), signedId, body) }) };
      }
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, bodies, server };
}

/**
 * A team inbox whose replies go to `site` (null: none known), with Anna
 * holding the request claimed, and what her unlocked browser holds: the
 * recipient's sender keys and the vault.
 */
async function inboxWithRequest(site: { url: string | null }) {
  const inbox = await setUp({
    recipients: fixedRecipientDirectory({}, {}),
    replies: { deliverNow: async () => (site.url ? deliverOutbox(inbox.store, site.url) : null), siteKnown: true },
  });
  const anna = inbox.person('Anna', 'staff');
  const result = await inbox.store.receive(await envelopeBody(inbox.intake, request), fixedRecipientDirectory({}, {}));
  if (result.status !== 'stored') throw new Error(result.status);
  const ref = result.ref;
  inbox.store.claim(ref, anna.id);
  const [held] = inbox.store.vault.keys();
  const unwrapped = await unwrapRecipientKey(inbox.intake.vault, held!.kid, held!.wrapped);
  const sender: ReplySender = { kid: held!.kid, publicKey: held!.publicKey, ...unwrapped };
  return { ...inbox, anna, ref, sender };
}

/** What the browser posts to POST /api/r/:ref/reply for a draft. */
async function written(
  inbox: Awaited<ReturnType<typeof inboxWithRequest>>,
  choice: Parameters<typeof replyDraft>[0],
  sent: Date = new Date(),
): Promise<{
  outgoing: OutgoingReply;
  body: { replyId: string; gen: number; box: { iv: string; ct: string }; postBody: string; postSignature: string };
}> {
  const outgoing = await writeReply(request, replyDraft(choice, null), inbox.sender);
  const postBody = replyPostBody({
    v: 1,
    mailbox: outgoing.mailbox,
    sent: Math.floor(sent.getTime() / 1000),
    reply: outgoing.reply,
    ...(outgoing.writeBack ? { writeBack: outgoing.writeBack } : {}),
  });
  return {
    outgoing,
    body: {
      replyId: outgoing.replyId,
      gen: 1,
      box: await sealRecord(inbox.intake.vault, inbox.ref, outgoing.replyId, outgoing),
      postBody,
      postSignature: await signReplyPost(postBody, inbox.sender.sign),
    },
  };
}

const senders = (key: { kid: string; publicKey: string }) => new Map([[key.kid, { recipient: 'stockholm', publicKey: key.publicKey }]]);
const states = (store: IntakeStore) =>
  store.db.prepare('SELECT state, problem FROM replies ORDER BY written_at').all() as { state: string; problem: string | null }[];

async function allFilesText(dir: string): Promise<string> {
  let text = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += (await readFile(join(entry.parentPath, entry.name))).toString('latin1');
  }
  return text;
}

describe('replies written in the browser, posted by the server', () => {
  it('keeps the record sealed, posts the signed body as it is, and counts it delivered on the signed acknowledgement', async () => {
    const site = { url: null as string | null };
    const inbox = await inboxWithRequest(site);
    const worker = await fakeSite(inbox.sender.publicKey, () => 201);
    site.url = worker.url;
    try {
      const { outgoing, body } = await written(inbox, { phrases: ['received', 'write-back'], text: SENTINEL_REPLY });
      const answer = await inbox.api(`/api/r/${inbox.ref}/reply`, inbox.anna, body);
      expect(answer.status).toBe(201);
      expect(await answer.json()).toEqual({ state: 'delivered' });
      expect(answer.headers.get('cache-control')).toBe('no-store');
      // The Worker got exactly what the browser signed.
      expect(worker.bodies).toEqual([body.postBody]);
      const post = replyPostSchema.parse(JSON.parse(worker.bodies[0]!));
      const opened = await openReply(post.reply, mine, senders(inbox.sender));
      expect(opened.message).toMatchObject({ case: request.id, receipt: request.receipt, text: { lang: 'sv', body: SENTINEL_REPLY } });
      expect(states(inbox.store)).toEqual([{ state: 'delivered', problem: null }]);
      // Once the site has it, the signed post (which names the person's mailbox) is not kept here.
      expect(inbox.store.db.prepare('SELECT post_body, post_signature FROM replies').all()).toEqual([
        { post_body: null, post_signature: null },
      ]);
      const listed = (await (await inbox.api(`/api/r/${inbox.ref}`, inbox.anna)).json()) as { replies: { authorId: number }[] };
      expect(listed.replies.map((reply) => reply.authorId)).toEqual([inbox.anna.id]);
      // The municipality's record: a box only the vault opens, listed with the request.
      const page = (await (await inbox.api(`/api/r/${inbox.ref}`, inbox.anna)).json()) as {
        replies: { id: string; state: string; gen: number; box: { iv: string; ct: string } }[];
      };
      expect(page.replies).toMatchObject([{ id: outgoing.replyId, state: 'delivered', gen: 1 }]);
      expect(await openRecord(inbox.intake.vault, inbox.ref, outgoing.replyId, page.replies[0]!.box)).toMatchObject({
        message: { id: opened.message.id },
      });
      // At rest nothing is in the clear: not the reply, not the request.
      inbox.store.checkpoint();
      const disk = await allFilesText(inbox.intake.dir);
      expect(disk).not.toContain(SENTINEL_REPLY);
      expect(disk).not.toContain(SENTINEL_REQUEST);
      expect(inbox.auditActions().filter((line) => line.includes('replied'))).toEqual([`staff:${inbox.anna.id} replied ${inbox.ref}`]);
      expect(verifyAudit(inbox.store).ok).toBe(true);
      // The same reply posted twice is kept once.
      expect((await inbox.api(`/api/r/${inbox.ref}/reply`, inbox.anna, body)).status).toBe(200);
      expect(states(inbox.store)).toHaveLength(1);
    } finally {
      worker.server.close();
    }
  });

  it('keeps the reply when the site is down, survives a restart, and sends the same signed body when the site is back', async () => {
    const site = { url: 'http://127.0.0.1:9' as string | null };
    const inbox = await inboxWithRequest(site);
    const { body } = await written(inbox, { phrases: ['danger'], lang: 'en', text: 'Hello' });
    expect(await (await inbox.api(`/api/r/${inbox.ref}/reply`, inbox.anna, body)).json()).toEqual({ state: 'waiting' });
    // A new process: the reply is still there, with its post.
    const again = IntakeStore.open(inbox.intake.dir);
    try {
      expect(again.waitingReplies()).toMatchObject([{ postBody: body.postBody, postSignature: body.postSignature }]);
      const flaky = await fakeSite(inbox.sender.publicKey, (attempt) => (attempt === 1 ? 503 : attempt === 2 ? 429 : 201));
      try {
        expect((await deliverOutbox(again, flaky.url)).waiting).toBe(1);
        expect((await deliverOutbox(again, flaky.url)).waiting).toBe(1);
        expect(await deliverOutbox(again, flaky.url)).toMatchObject({ delivered: 1, waiting: 0 });
        expect(new Set(flaky.bodies)).toEqual(new Set([body.postBody]));
        expect(again.waitingReplies()).toEqual([]);
      } finally {
        flaky.server.close();
      }
    } finally {
      again.close();
    }
  });

  it('a post refused as stale waits for a new signature: listed as unsigned, signed again in the browser, then delivered', async () => {
    const site = { url: null as string | null };
    const inbox = await inboxWithRequest(site);
    const worker = await fakeSite(inbox.sender.publicKey, (attempt) => (attempt === 1 ? { status: 401, error: 'stale' } : 201));
    site.url = worker.url;
    try {
      const { outgoing, body } = await written(inbox, { phrases: ['received'] }, new Date(Date.now() - 3_600_000));
      expect(await (await inbox.api(`/api/r/${inbox.ref}/reply`, inbox.anna, body)).json()).toEqual({ state: 'waiting' });
      expect(states(inbox.store)).toEqual([{ state: 'waiting', problem: STALE }]);
      // Not posted again as it is: it would be stale again.
      expect(await deliverOutbox(inbox.store, worker.url)).toMatchObject({ delivered: 0, waiting: 1 });
      expect(worker.bodies).toHaveLength(1);
      const unsigned = (await (await inbox.api('/api/replies/unsigned', inbox.anna)).json()) as unknown[];
      expect(unsigned).toEqual([
        { id: outgoing.replyId, ref: inbox.ref, kid: inbox.sender.kid, reply: outgoing.reply, mailbox: mine.mailbox },
      ]);
      // A colleague who may not handle the case does not see it.
      const bo = inbox.person('Bo', 'staff');
      expect(await (await inbox.api('/api/replies/unsigned', bo)).json()).toEqual([]);
      // The browser signs the same reply again, now.
      const postBody = replyPostBody({ v: 1, mailbox: outgoing.mailbox, sent: Math.floor(Date.now() / 1000), reply: outgoing.reply });
      const resigned = { postBody, postSignature: await signReplyPost(postBody, inbox.sender.sign) };
      expect((await inbox.api(`/api/replies/${outgoing.replyId}/signature`, bo, resigned)).status).toBe(403);
      const answer = await inbox.api(`/api/replies/${outgoing.replyId}/signature`, inbox.anna, resigned);
      expect(await answer.json()).toEqual({ state: 'delivered' });
      expect(worker.bodies.at(-1)).toBe(postBody);
      expect(await (await inbox.api('/api/replies/unsigned', inbox.anna)).json()).toEqual([]);
    } finally {
      worker.server.close();
    }
  });

  it('marks a reply the site refuses as refused, with the reason, instead of dropping it', async () => {
    const site = { url: null as string | null };
    const inbox = await inboxWithRequest(site);
    const refusing = await fakeSite(inbox.sender.publicKey, () => 409);
    site.url = refusing.url;
    try {
      const { body } = await written(inbox, { phrases: ['received'] });
      expect(await (await inbox.api(`/api/r/${inbox.ref}/reply`, inbox.anna, body)).json()).toEqual({ state: 'refused' });
      expect(inbox.store.waitingReplies()).toEqual([]);
      expect(states(inbox.store)).toEqual([{ state: 'refused', problem: expect.stringContaining('409') }]);
    } finally {
      refusing.server.close();
    }
  });

  it('refuses, and keeps nothing of, a post that is not this reply, is signed by a key this intake does not hold, names no known generation, or comes without the CSRF header', async () => {
    const inbox = await inboxWithRequest({ url: null });
    const { body } = await written(inbox, { phrases: ['received'] });
    const other = await written(inbox, { phrases: ['danger'] });
    const strangerSigned = await signReplyPost(body.postBody, await foreignSigningKey());
    const bad = [
      { ...body, postBody: other.body.postBody, postSignature: other.body.postSignature },
      { ...body, postSignature: strangerSigned },
      { ...body, gen: 2 },
      { ...body, box: { iv: body.box.iv } },
      { ...body, extra: true },
    ];
    for (const wrong of bad) expect((await inbox.api(`/api/r/${inbox.ref}/reply`, inbox.anna, wrong)).status).toBe(400);
    expect((await inbox.api(`/api/r/${inbox.ref}/reply`, inbox.anna, body, { 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect(states(inbox.store)).toEqual([]);
    expect(inbox.auditActions().some((line) => line.includes('replied'))).toBe(false);
  });
});

/** An ECDSA P-256 signing key no intake holds. */
async function foreignSigningKey(): Promise<CryptoKey> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  return pair.privateKey;
}

describe('reply delivery counts only proof (N12)', () => {
  it.each(['none', 'wrong-id', 'other-key'] as const)(
    'a 201 whose acknowledgement is %s is not delivered: the reply waits',
    async (ack) => {
      const site = { url: null as string | null };
      const inbox = await inboxWithRequest(site);
      const worker = await fakeSite(inbox.sender.publicKey, () => 201, ack);
      site.url = worker.url;
      try {
        const { body } = await written(inbox, { phrases: ['received'] });
        await inbox.api(`/api/r/${inbox.ref}/reply`, inbox.anna, body);
        expect(worker.bodies).toHaveLength(1);
        expect(states(inbox.store)).toEqual([{ state: 'waiting', problem: expect.stringContaining('signed acknowledgement') }]);
      } finally {
        worker.server.close();
      }
    },
  );

  it('a redirect is refused, not followed: the signed body never reaches the other address', async () => {
    const site = { url: null as string | null };
    const inbox = await inboxWithRequest(site);
    const elsewhere = await fakeSite(inbox.sender.publicKey, () => 201);
    const redirecting = createServer((_req, res) => res.writeHead(307, { location: `${elsewhere.url}/api/reply` }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    site.url = `http://127.0.0.1:${(redirecting.address() as { port: number }).port}`;
    try {
      const { body } = await written(inbox, { phrases: ['received'] });
      await inbox.api(`/api/r/${inbox.ref}/reply`, inbox.anna, body);
      expect(elsewhere.bodies).toEqual([]);
      expect(states(inbox.store)).toEqual([{ state: 'refused', problem: expect.stringContaining('redirect refused') }]);
    } finally {
      redirecting.close();
      elsewhere.server.close();
    }
  });

  it('plain http is refused for any host but this machine, before anything is sent', async () => {
    const inbox = await inboxWithRequest({ url: null });
    const { body } = await written(inbox, { phrases: ['received'] });
    await inbox.api(`/api/r/${inbox.ref}/reply`, inbox.anna, body);
    const calls: string[] = [];
    const summary = await deliverOutbox(inbox.store, 'http://site.example', {
      fetch: async (input) => (calls.push(String(input)), new Response('{}', { status: 201 })),
    });
    expect(calls).toEqual([]);
    expect(summary.refused).toEqual([{ ref: inbox.ref, reason: expect.stringContaining('https://') }]);
  });
});

describe('what a reply may say (reply-writer.ts, run in the browser)', () => {
  it('refuses an unknown phrase, meet without a place or a time, a write-again without a day, will-call to someone who chose no call, an empty reply, a wrong language and a request without a reply address', async () => {
    const inbox = await inboxWithRequest({ url: null });
    const write = (choice: Parameters<typeof replyDraft>[0], to: ContactRequest = request) =>
      (async () => writeReply(to, replyDraft(choice, null), inbox.sender))();
    await expect(write({ phrases: ['hello'] })).rejects.toThrow(ReplyWriteError);
    await expect(write({ phrases: ['meet'] })).rejects.toThrow(/place and a time/);
    await expect(write({ phrases: ['meet'], place: 'Fleminggatan 4' })).rejects.toThrow(/place and a time/);
    await expect(write({ phrases: ['write-again'], date: '24 december' })).rejects.toThrow(/YYYY-MM-DD/);
    // The request chose an answer on the site only ('here'): nobody calls.
    await expect(write({ phrases: ['will-call'] })).rejects.toThrow(/did not ask to be called or texted/);
    await expect(write({ phrases: [] })).rejects.toThrow(/at least one/);
    await expect(write({ phrases: ['received'], lang: 'de' })).rejects.toThrow(/language/);
    await expect(write({ phrases: ['could-not-reach'] })).rejects.toThrow(/no phone number/);
    await expect(write({ phrases: ['received'] }, createRequest(sampleAnswers('x', { needs: [] })))).rejects.toThrow(
      /did not ask for an answer on the site/,
    );
  });
});
