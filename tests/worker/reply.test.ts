/**
 * The reply endpoints inside workerd (issue 14): only the recipient can
 * post, look-ups for real and random mailboxes are indistinguishable in
 * status and size, deletion, and the look-up rate limit.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { app } from '../../functions/app.ts';
import type { Env } from '../../functions/env.ts';
import { forgetKeySet } from '../../functions/intake-keys.ts';
import { base64urlEncode, generateRecipientKeyPair, type PrivateKeyJwk } from '../../protocol/envelope.ts';
import { replyKeysFromMaster, type ReplyKeys } from '../../protocol/reply-keys.ts';
import {
  importReplySenderKey,
  lookupResponseSchema,
  replyIdOf,
  sealReply,
  type ReplyMessage,
  type SealedReply,
} from '../../protocol/reply.ts';
import { openReply } from '../../protocol/reply-open.ts';
import { REPLY_SIGNATURE_HEADER, replyPostBody, signReplyPost } from '../../protocol/reply-post.ts';
import { generateSigningKey, importVerifyKey, verifyReplyAck } from '../../protocol/push-auth.ts';
import { sealRequest } from '../../protocol/envelope.ts';
import { createRequest } from '../../protocol/request.ts';
import { followUpAnswers, signFollowUp, signWriteBackPost, WRITE_BACK_SIGNATURE_HEADER } from '../../protocol/write-back.ts';

type Recipient = { kid: string; publicKey: string; privateJwk: PrivateKeyJwk };
let municipality: Recipient;
let stranger: Recipient; // a valid key that is NOT published
let testEnv: Env;

beforeEach(async () => {
  forgetKeySet();
  municipality = await generateRecipientKeyPair();
  stranger = await generateRecipientKeyPair();
  const keySet = {
    v: 2,
    keys: [{ kid: municipality.kid, recipient: 'stockholm-development', publicKey: municipality.publicKey, notAfter: '2099-12-31' }],
    recipients: [{ id: 'stockholm-development', serves: ['stockholm'] }],
    statements: [],
  };
  testEnv = {
    ...(env as unknown as Env),
    ASSETS: { fetch: async () => Response.json(keySet) } as unknown as Fetcher,
  };
});

let address = 0;
const freshAddress = () => `198.51.100.${++address}`;

/** A person's mailbox and reply key, from random master bytes (the slow PBKDF2 step is tested in Node). */
async function person() {
  return replyKeysFromMaster(crypto.getRandomValues(new Uint8Array(32)));
}

function message(): ReplyMessage {
  return {
    v: 1,
    id: crypto.randomUUID(),
    case: crypto.randomUUID(),
    receipt: '7KQ3-MX2P',
    created: '2026-12-02',
    phrases: [{ id: 'received' }, { id: 'will-call' }],
  };
}

async function sealFor(to: { mailbox: string; publicKey: string }, from: Recipient = municipality): Promise<SealedReply> {
  return sealReply(message(), to, await importReplySenderKey(from.privateJwk));
}

async function postReply(body: string, signature: string | null) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers[REPLY_SIGNATURE_HEADER] = signature;
  return app.request('/api/reply', { method: 'POST', body, headers }, testEnv);
}

async function signedPost(mailbox: string, reply: SealedReply, signer: Recipient = municipality, sent = Math.floor(Date.now() / 1000)) {
  const body = replyPostBody({ v: 1, mailbox, sent, reply });
  return postReply(body, await signReplyPost(body, signer.privateJwk));
}

function lookup(mailbox: string, ip = freshAddress()) {
  return app.request(
    '/api/reply/lookup',
    { method: 'POST', body: JSON.stringify({ v: 1, mailbox }), headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip } },
    testEnv,
  );
}

describe('POST /api/reply (from the intake)', () => {
  it('stores a reply signed by the published recipient; the same body again is stored once', async () => {
    const me = await person();
    const reply = await sealFor(me);
    const first = await signedPost(me.mailbox, reply);
    expect(first.status).toBe(201);
    const again = await signedPost(me.mailbox, reply);
    expect(again.status).toBe(200);
    const found = lookupResponseSchema.parse(await (await lookup(me.mailbox)).json());
    expect(found.count).toBe(1);
    const senders = new Map([[municipality.kid, { recipient: 'stockholm-development', publicKey: municipality.publicKey }]]);
    const opened = await openReply(found.replies[0]!, me, senders);
    expect(opened.recipient).toBe('stockholm-development');
    expect(opened.message.phrases.map((p) => p.id)).toEqual(['received', 'will-call']);
  });

  it('acknowledges a stored reply with a signature by its push key over the reply id and the posted body (N12)', async () => {
    const worker = await generateSigningKey();
    const me = await person();
    const reply = await sealFor(me);
    const body = replyPostBody({ v: 1, mailbox: me.mailbox, sent: Math.floor(Date.now() / 1000), reply });
    const res = await app.request(
      '/api/reply',
      {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', [REPLY_SIGNATURE_HEADER]: await signReplyPost(body, municipality.privateJwk) },
      },
      { ...testEnv, INTAKE_PUSH_SIGNING_KEY: JSON.stringify(worker.privateJwk) },
    );
    expect(res.status).toBe(201);
    const answer = await res.text();
    const id = await replyIdOf(reply.ct);
    const workerKeys = [await importVerifyKey(worker.publicKey)];
    expect(await verifyReplyAck(workerKeys, id, body, answer)).toBe(true);
    // Not for another body, and not with another key.
    expect(await verifyReplyAck(workerKeys, id, body.replace('"sent":', '"sent": '), answer)).toBe(false);
    expect(await verifyReplyAck([await importVerifyKey((await generateSigningKey()).publicKey)], id, body, answer)).toBe(false);
  });

  it('refuses a reply without a signature, signed by an unpublished key, or altered after signing', async () => {
    const me = await person();
    const reply = await sealFor(me);
    const body = replyPostBody({ v: 1, mailbox: me.mailbox, sent: Math.floor(Date.now() / 1000), reply });
    expect((await postReply(body, null)).status).toBe(401);
    // A stranger signs a reply that claims the municipality's kid.
    expect((await postReply(body, await signReplyPost(body, stranger.privateJwk))).status).toBe(401);
    // The stranger under its own kid: not published.
    const strangers = await sealFor(me, stranger);
    const strangerRes = await signedPost(me.mailbox, strangers, stranger);
    expect(strangerRes.status).toBe(400);
    expect(await strangerRes.json()).toEqual({ error: 'unknown_kid' });
    // One byte of ciphertext changed after signing.
    const signature = await signReplyPost(body, municipality.privateJwk);
    const flipped = reply.ct[100] === 'A' ? 'B' : 'A';
    const altered = body.replace(reply.ct, reply.ct.slice(0, 100) + flipped + reply.ct.slice(101));
    expect((await postReply(altered, signature)).status).toBe(401);
    // Moved to another mailbox.
    const other = await person();
    expect((await postReply(body.replace(me.mailbox, other.mailbox), signature)).status).toBe(401);
    const found = lookupResponseSchema.parse(await (await lookup(me.mailbox)).json());
    expect(found.count).toBe(0);
  });

  it('refuses a stale body, a bad shape and more replies than a mailbox holds', async () => {
    const me = await person();
    const stale = await signedPost(me.mailbox, await sealFor(me), municipality, Math.floor(Date.now() / 1000) - 3600);
    expect(stale.status).toBe(400);
    expect(await stale.json()).toEqual({ error: 'stale' });
    const bad = await postReply(JSON.stringify({ v: 1, mailbox: me.mailbox }), 'v1=x');
    expect(bad.status).toBe(400);
    for (let i = 0; i < 3; i++) expect((await signedPost(me.mailbox, await sealFor(me))).status).toBe(201);
    expect((await signedPost(me.mailbox, await sealFor(me))).status).toBe(409);
  });
});

describe('POST /api/reply/lookup', () => {
  it('answers a real mailbox, an empty one and random ids with the same status and the same size', async () => {
    const withReply = await person();
    expect((await signedPost(withReply.mailbox, await sealFor(withReply))).status).toBe(201);
    const withTwo = await person();
    for (let i = 0; i < 2; i++) await signedPost(withTwo.mailbox, await sealFor(withTwo));
    const random = () => base64urlEncode(crypto.getRandomValues(new Uint8Array(16)));
    const answers = await Promise.all(
      [withReply.mailbox, withTwo.mailbox, random(), random(), (await person()).mailbox].map(async (m) => lookup(m)),
    );
    const statuses = new Set(answers.map((res) => res.status));
    const bodies = await Promise.all(answers.map((res) => res.text()));
    expect(statuses).toEqual(new Set([200]));
    expect(new Set(bodies.map((body) => body.length)).size).toBe(1);
    expect(new Set(answers.map((res) => res.headers.get('content-type'))).size).toBe(1);
    expect(bodies.map((body) => (JSON.parse(body) as { count: number }).count)).toEqual([1, 2, 0, 0, 0]);
    for (const res of answers) expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('a decoy never opens as a reply', async () => {
    const me = await person();
    const found = lookupResponseSchema.parse(await (await lookup(me.mailbox)).json());
    const senders = new Map([[municipality.kid, { recipient: 'stockholm-development', publicKey: municipality.publicKey }]]);
    for (const slot of found.replies) {
      await expect(openReply({ ...slot, kid: municipality.kid }, me, senders)).rejects.toMatchObject({ code: 'forged' });
    }
  });

  it('refuses a mailbox id that is not 16 bytes of base64url, and a GET', async () => {
    for (const mailbox of ['', 'abc', 'A'.repeat(22) + '=', '../../etc']) {
      expect((await lookup(mailbox)).status).toBe(400);
    }
    expect((await app.request('/api/reply/lookup', { method: 'GET' }, testEnv)).status).toBe(405);
  });

  it('rate-limits look-ups per address (30 a minute), not other addresses', async () => {
    const me = await person();
    const ip = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await lookup(me.mailbox, ip)).status);
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(200));
    expect(statuses[30]).toBe(429);
    expect((await lookup(me.mailbox, freshAddress())).status).toBe(200);
  });
});

describe('POST /api/reply/delete', () => {
  it('removes one reply; answers the same for a reply that is not there', async () => {
    const me = await person();
    await signedPost(me.mailbox, await sealFor(me));
    const found = lookupResponseSchema.parse(await (await lookup(me.mailbox)).json());
    const del = (id: string) =>
      app.request(
        '/api/reply/delete',
        {
          method: 'POST',
          body: JSON.stringify({ v: 1, mailbox: me.mailbox, id }),
          headers: { 'content-type': 'application/json', 'cf-connecting-ip': freshAddress() },
        },
        testEnv,
      );
    const missing = await del(base64urlEncode(new Uint8Array(16)));
    const real = await del(found.replies[0]!.id);
    expect([missing.status, real.status]).toEqual([200, 200]);
    expect(await missing.text()).toBe(await real.text());
    const after = lookupResponseSchema.parse(await (await lookup(me.mailbox)).json());
    expect(after.count).toBe(0);
  });
});

describe('POST /api/reply/write-back (N3)', () => {
  function recordingQueue() {
    const sent: unknown[] = [];
    return {
      sent,
      queue: { send: async (body: unknown) => void sent.push(body), sendBatch: async () => undefined } as unknown as Queue<unknown>,
    };
  }

  /** The person's follow-up, signed with their reply key, sealed to the municipality. */
  async function followUp(me: Awaited<ReturnType<typeof person>>, signer: ReplyKeys, replyId: string, caseId: string) {
    const key = signer.signingKey;
    const request = createRequest(
      followUpAnswers({
        locale: 'sv',
        municipality: 'stockholm',
        message: 'Jag skriver tillbaka.',
        reply: { publicKey: me.publicKey, mailbox: me.mailbox },
        followUpOf: caseId,
      }),
    );
    request.followUpProof = await signFollowUp(key, { id: request.id, followUpOf: caseId, message: request.message });
    const envelope = await sealRequest(request, { kid: municipality.kid, publicKey: municipality.publicKey });
    return signWriteBackPost(key, { v: 1, mailbox: me.mailbox, reply: replyId, envelope });
  }

  async function postWriteBack(signed: { body: string; signature: string }, queueEnv: Env) {
    return app.request(
      '/api/reply/write-back',
      {
        method: 'POST',
        body: signed.body,
        headers: {
          'content-type': 'application/json',
          [WRITE_BACK_SIGNATURE_HEADER]: signed.signature,
          'cf-connecting-ip': freshAddress(),
        },
      },
      queueEnv,
    );
  }

  /** An answer stored for `me`, offering a write-back (or not). */
  async function storedAnswer(me: Awaited<ReturnType<typeof person>>, offer: boolean): Promise<string> {
    const reply = await sealFor(me);
    const body = replyPostBody({
      v: 1,
      mailbox: me.mailbox,
      sent: Math.floor(Date.now() / 1000),
      reply,
      ...(offer ? { writeBack: me.publicKey } : {}),
    });
    expect((await postReply(body, await signReplyPost(body, municipality.privateJwk))).status).toBe(201);
    return replyIdOf(reply.ct);
  }

  it('takes one write-back signed with the reply key, to an answer that offered it, and queues it; a second is refused', async () => {
    const { sent, queue } = recordingQueue();
    const queueEnv = { ...testEnv, INTAKE_QUEUE: queue };
    const me = await person();
    const id = await storedAnswer(me, true);
    const signed = await followUp(me, me, id, crypto.randomUUID());
    const first = await postWriteBack(signed, queueEnv);
    expect(first.status).toBe(202);
    expect(sent).toEqual([JSON.parse(signed.body).envelope]);
    const again = await postWriteBack(signed, queueEnv);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'already_written_back' });
    expect(sent).toHaveLength(1);
  });

  it('refuses a forged write-back (another key), one to an answer that did not offer it, and one to no answer: nothing queued', async () => {
    const { sent, queue } = recordingQueue();
    const queueEnv = { ...testEnv, INTAKE_QUEUE: queue };
    const me = await person();
    const offered = await storedAnswer(me, true);
    // Someone without the secret: their own key pair, the person's mailbox and answer id.
    const forger = await person();
    const forged = await postWriteBack(await followUp(me, forger, offered, crypto.randomUUID()), queueEnv);
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ error: 'bad_signature' });
    const notOffered = await storedAnswer(me, false);
    const refused = await postWriteBack(await followUp(me, me, notOffered, crypto.randomUUID()), queueEnv);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'write_back_not_offered' });
    const nowhere = await postWriteBack(await followUp(me, me, base64urlEncode(new Uint8Array(16)), crypto.randomUUID()), queueEnv);
    expect(nowhere.status).toBe(403);
    expect(sent).toEqual([]);
    // The genuine one still goes through afterwards.
    expect((await postWriteBack(await followUp(me, me, offered, crypto.randomUUID()), queueEnv)).status).toBe(202);
  });
});

describe('privacy', () => {
  it('logs nothing (so never a mailbox id) on a post, a forgery, a look-up and a deletion', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => vi.spyOn(console, level));
    try {
      const me = await person();
      const reply = await sealFor(me);
      await signedPost(me.mailbox, reply);
      await postReply(replyPostBody({ v: 1, mailbox: me.mailbox, sent: Math.floor(Date.now() / 1000), reply }), 'v1=garbage');
      await lookup(me.mailbox);
      await app.request(
        '/api/reply/delete',
        {
          method: 'POST',
          body: JSON.stringify({ v: 1, mailbox: me.mailbox, id: reply.kid }),
          headers: { 'content-type': 'application/json' },
        },
        testEnv,
      );
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
