/**
 * Answering from the file intake (issue 14): `intake reply` seals with the
 * recipient's own key, keeps the reply in the outbox until the site has it,
 * and a site that is down, or refuses, never loses a written reply.
 */
import { createServer, type Server } from 'node:http';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveReplyKeys } from '../../src/contact/reply-keys.ts';
import { openReply, replyMessageSchema } from '../../src/contact/reply.ts';
import { REPLY_SIGNATURE_HEADER, replyPostSchema, verifyReplyPost } from '../../src/contact/reply-post.ts';
import { createRequest, type ContactRequest } from '../../src/contact/request.ts';
import { storeEnvelope } from '../../src/intake/inbox.ts';
import { deliverOutbox, pendingReplies } from '../../src/intake/reply-outbox.ts';
import { ReplyCommandError, runReplyCommand } from '../../src/intake/reply-command.ts';
import { envelopeBody, makeIntake, type TestIntake } from './helpers.ts';

const SENTINEL_REQUEST = 'SENTINEL-request-7d1e';
const SENTINEL_REPLY = 'SENTINEL-reply-93ab';
const SECRET = '11112222333344445555';

let intake: TestIntake;
let mine: Awaited<ReturnType<typeof deriveReplyKeys>>;
let request: ContactRequest;

beforeEach(async () => {
  intake = await makeIntake();
  mine = await deriveReplyKeys(SECRET);
  request = createRequest({
    locale: 'so', role: 'self', municipality: 'stockholm', needs: [],
    contact: { method: 'here', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
    language: '', interpreter: false, message: SENTINEL_REQUEST,
    reply: { publicKey: mine.publicKey, mailbox: mine.mailbox },
  });
  expect((await storeEnvelope(intake.dir, await envelopeBody(intake, request), intake.keys)).status).toBe('stored');
});
afterEach(() => intake.cleanup());

/** A stand-in for the Worker's POST /api/reply that checks the signature and records bodies. */
async function fakeSite(status: (attempt: number) => number): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  let attempt = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', async () => {
      const valid = req.url === '/api/reply' && (await verifyReplyPost(body, req.headers[REPLY_SIGNATURE_HEADER.toLowerCase()] as string, intake.publicKey));
      bodies.push(body);
      const code = valid ? status(++attempt) : 401;
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(code < 300 ? { ok: true } : { error: code === 401 ? 'bad_signature' : 'x' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, bodies, server };
}

const senders = () => new Map([[intake.kid, { recipient: 'stockholm', publicKey: intake.publicKey }]]);

describe('intake reply', () => {
  it('seals phrases and Swedish free text to the person, signed by the recipient; only ciphertext leaves', async () => {
    const site = await fakeSite(() => 201);
    try {
      const lines: string[] = [];
      await runReplyCommand(intake.dir, request.receipt, { phrase: ['received', 'write-back'], text: SENTINEL_REPLY, site: site.url }, (l) => lines.push(l));
      expect(lines.join('\n')).toContain('1 delivered');
      expect(site.bodies).toHaveLength(1);
      const body = site.bodies[0]!;
      expect(body).not.toContain(SENTINEL_REPLY);
      expect(body).not.toContain(SENTINEL_REQUEST);
      const post = replyPostSchema.parse(JSON.parse(body));
      expect(post.mailbox).toBe(mine.mailbox);
      const opened = await openReply(post.reply, mine, senders());
      expect(opened.message.case).toBe(request.id);
      expect(opened.message.receipt).toBe(request.receipt);
      expect(opened.message.phrases).toEqual([{ id: 'received' }, { id: 'write-back' }]);
      expect(opened.message.text).toEqual({ lang: 'sv', body: SENTINEL_REPLY });
      expect(await pendingReplies(intake.dir)).toEqual([]);
      const record = JSON.parse(await readFile(join(intake.dir, 'replies', (await readdir(join(intake.dir, 'replies')))[0]!), 'utf8'));
      expect(replyMessageSchema.parse(record.message).id).toBe(opened.message.id);
    } finally {
      site.server.close();
    }
  });

  it('keeps the reply when the site is down, and sends it, re-signed, when the site is back', async () => {
    const lines: string[] = [];
    // Nothing listens on port 9 (discard) on 127.0.0.1.
    await runReplyCommand(intake.dir, request.receipt, { phrase: ['will-call'], lang: 'en', text: 'Hello', site: 'http://127.0.0.1:9' }, (l) => lines.push(l));
    expect(lines.join('\n')).toContain('1 waiting in the outbox');
    expect(await pendingReplies(intake.dir)).toHaveLength(1);
    // A 503 and a 429 keep it waiting too.
    const flaky = await fakeSite((attempt) => (attempt === 1 ? 503 : attempt === 2 ? 429 : 201));
    try {
      expect((await deliverOutbox(intake.dir, flaky.url)).waiting).toBe(1);
      expect((await deliverOutbox(intake.dir, flaky.url)).waiting).toBe(1);
      // Later, with a clock an hour on: signed at sending time, not at writing time.
      const later = await deliverOutbox(intake.dir, flaky.url, { now: () => new Date(Date.now() + 3600_000) });
      expect(later).toMatchObject({ delivered: 1, waiting: 0 });
      const sents = flaky.bodies.map((b) => (JSON.parse(b) as { sent: number }).sent);
      expect(sents[2]! - sents[0]!).toBeGreaterThanOrEqual(3599);
      const opened = await openReply(replyPostSchema.parse(JSON.parse(flaky.bodies[2]!)).reply, mine, senders());
      expect(opened.message.text).toEqual({ lang: 'en', body: 'Hello' });
    } finally {
      flaky.server.close();
    }
  });

  it('moves a reply the site refuses to outbox-refused, with the reason, instead of dropping it', async () => {
    const refusing = await fakeSite(() => 409);
    try {
      await runReplyCommand(intake.dir, request.receipt, { phrase: ['received'], site: refusing.url }, () => undefined);
      expect(await pendingReplies(intake.dir)).toEqual([]);
      const [name] = await readdir(join(intake.dir, 'outbox-refused'));
      expect(JSON.parse(await readFile(join(intake.dir, 'outbox-refused', name!), 'utf8')).reason).toContain('409');
    } finally {
      refusing.server.close();
    }
  });

  it('could-not-reach gives only the recipient\'s own verified number, and needs to know the recipient', async () => {
    const run = () => runReplyCommand(intake.dir, request.receipt, { phrase: ['could-not-reach'] }, () => undefined);
    await expect(run()).rejects.toThrow(/no verified phone number/);
    const recipients = { v: 1, recipients: [{ id: 'stockholm', name: 'Test', keys: [{ publicKey: intake.publicKey, notAfter: '2099-12-31' }] }] };
    await writeFile(join(intake.dir, 'recipients.json'), JSON.stringify(recipients));
    await run();
    const [waiting] = await pendingReplies(intake.dir);
    expect(waiting!.message.phrases).toEqual([{ id: 'could-not-reach', phone: '08-508 25 600' }]);
  });

  it('without a site URL the reply waits in the outbox', async () => {
    const saved = process.env['UTVAG_SITE_URL'];
    delete process.env['UTVAG_SITE_URL'];
    try {
      const lines: string[] = [];
      await runReplyCommand(intake.dir, request.receipt, { phrase: ['received'] }, (l) => lines.push(l));
      expect(lines.join('\n')).toContain('Not sent yet');
      expect(await pendingReplies(intake.dir)).toHaveLength(1);
    } finally {
      if (saved !== undefined) process.env['UTVAG_SITE_URL'] = saved;
    }
  });

  it('refuses an unknown phrase, meet without a place, an empty reply and a request without a reply address', async () => {
    const run = (options: Parameters<typeof runReplyCommand>[2], receipt = request.receipt) => runReplyCommand(intake.dir, receipt, options, () => undefined);
    await expect(run({ phrase: ['hello'] })).rejects.toThrow(ReplyCommandError);
    await expect(run({ phrase: ['meet'] })).rejects.toThrow(/--place/);
    await expect(run({})).rejects.toThrow(/at least one/);
    await expect(run({ phrase: ['received'], lang: 'de' })).rejects.toThrow(/--lang/);
    const plain = createRequest({ ...request, contact: { ...request.contact, method: 'i-call' }, reply: undefined } as never);
    const { reply: _reply, ...withoutReply } = plain;
    await storeEnvelope(intake.dir, await envelopeBody(intake, { ...withoutReply } as ContactRequest), intake.keys);
    await expect(run({ phrase: ['received'] }, plain.receipt)).rejects.toThrow(/did not ask for an answer on the site/);
    expect(await pendingReplies(intake.dir)).toEqual([]);
  });
});
