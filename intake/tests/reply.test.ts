/**
 * Answering from the intake (issue 14), against the store: `intake reply`
 * finds the request by its receipt code, seals with the recipient's own key
 * from the unlocked vault, keeps the reply in the store's outbox (encrypted)
 * until the site has it, and a site that is down, or refuses, never loses a
 * written reply.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sealRequest } from '../../protocol/envelope.ts';
import { deriveReplyKeys, type ReplyKeys } from '../../protocol/reply-keys.ts';
import { openReply, replyMessageSchema } from '../../protocol/reply.ts';
import { REPLY_SIGNATURE_HEADER, replyPostSchema, verifyReplyPost } from '../../protocol/reply-post.ts';
import { createRequest, type ContactRequest } from '../../protocol/request.ts';
import { answerHereAnswers, sampleAnswers } from '../../tools/dev/sample-request.ts';
import { verifyAudit } from '../src/audit.ts';
import { generateWrappedKey, unlockVault, type UnlockedVault } from '../src/key-vault.ts';
import { fixedRecipientDirectory, loadRecipientDirectory, type RecipientDirectory } from '../src/promise.ts';
import { deliverOutbox } from '../src/reply-outbox.ts';
import { answerByReceipt, ReplyCommandError, runReplyCommand, senderOrNull } from '../src/reply-command.ts';
import { ReplyWriteError, type OutgoingReply } from '../src/reply-writer.ts';
import { IntakeStore } from '../src/store.ts';
import { generateSigningKey, importSigningKey, signReplyAck, type Ed25519KeyPair } from '../../protocol/push-auth.ts';
import { replyIdOf } from '../../protocol/reply.ts';
import { followUpAnswers, signFollowUp } from '../../protocol/write-back.ts';

const SENTINEL_REQUEST = 'SENTINEL-request-7d1e';
const SENTINEL_REPLY = 'SENTINEL-reply-93ab';
const SECRET = '11112222333344445555';
const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PASSPHRASE = 'correct horse battery staple';

let dir: string;
let vault: UnlockedVault;
let store: IntakeStore;
let key: { kid: string; publicKey: string };
let recipients: RecipientDirectory;
let mine: Awaited<ReturnType<typeof deriveReplyKeys>>;
let request: ContactRequest;
/** The Worker's push key: it signs the acknowledgement of a stored reply (N12). */
let workerKey: Ed25519KeyPair;
const workerKeysBefore = process.env['INTAKE_WORKER_PUBLIC_KEYS'];

async function receive(req: ContactRequest): Promise<void> {
  const body = JSON.stringify(await sealRequest(req, key));
  expect((await store.receive(body, new Map(vault.keys.map((k) => [k.kid, k.privateKey])), recipients)).status).toBe('stored');
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'utvag-reply-'));
  const made = await generateWrappedKey(dir, PASSPHRASE, '2099-01-01', FAST);
  key = { kid: made.kid, publicKey: made.publicKey };
  vault = await unlockVault(dir, PASSPHRASE);
  store = IntakeStore.open(dir, vault.storeSecret);
  recipients = fixedRecipientDirectory({ [key.kid]: 'stockholm-development' }, { 'stockholm-development': { firstContactHours: 24 } });
  mine = await deriveReplyKeys(SECRET);
  workerKey ??= await generateSigningKey();
  process.env['INTAKE_WORKER_PUBLIC_KEYS'] = workerKey.publicKey;
  request = createRequest(answerHereAnswers(SENTINEL_REQUEST, mine, { locale: 'so' }));
  await receive(request);
});
afterEach(async () => {
  if (workerKeysBefore === undefined) delete process.env['INTAKE_WORKER_PUBLIC_KEYS'];
  else process.env['INTAKE_WORKER_PUBLIC_KEYS'] = workerKeysBefore;
  store.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * A stand-in for the Worker's POST /api/reply that checks the signature,
 * records bodies and acknowledges as the Worker does (signed with its push
 * key), unless `ack` says otherwise.
 */
async function fakeSite(
  status: (attempt: number) => number,
  ack: 'signed' | 'none' | 'wrong-id' | 'other-key' = 'signed',
): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  let attempt = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', async () => {
      const valid =
        req.url === '/api/reply' &&
        (await verifyReplyPost(body, req.headers[REPLY_SIGNATURE_HEADER.toLowerCase()] as string, key.publicKey));
      bodies.push(body);
      const code = valid ? status(++attempt) : 401;
      let answer: Record<string, unknown> = { error: code === 401 ? 'bad_signature' : 'x' };
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

const senders = () => new Map([[key.kid, { recipient: 'stockholm-development', publicKey: key.publicKey }]]);
const run = (options: Parameters<typeof runReplyCommand>[4], lines: string[] = [], receipt = request.receipt) =>
  runReplyCommand(store, vault, recipients, receipt, options, (l: string) => lines.push(l));
const states = () =>
  store.db.prepare('SELECT state, problem FROM replies ORDER BY written_at').all() as { state: string; problem: string | null }[];
const deliver = (url: string, now?: () => Date) => deliverOutbox(store, (kid) => senderOrNull(vault, kid), url, now ? { now } : {});

async function allFilesText(): Promise<string> {
  let text = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += (await readFile(join(entry.parentPath, entry.name))).toString('latin1');
  }
  return text;
}

describe('intake reply (store)', () => {
  it('finds the request by receipt code, seals phrases and Swedish free text to the person, signed by the recipient; only ciphertext leaves', async () => {
    const site = await fakeSite(() => 201);
    try {
      const lines: string[] = [];
      // Typed with spaces as spoken: the store finds it by the receipt code's keyed hash.
      await run(
        { phrase: ['received', 'write-back'], text: SENTINEL_REPLY, site: site.url },
        lines,
        request.receipt.replace(/(\d{3})(?=\d)/g, '$1 '),
      );
      expect(lines.join('\n')).toContain('1 delivered');
      expect(lines.join('\n')).not.toContain(mine.mailbox);
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
      expect(states()).toEqual([{ state: 'delivered', problem: null }]);
      // The municipality's record, decrypted in memory only.
      const [row] = store.replies(
        store.findByReceipt(request.receipt).ok ? (store.findByReceipt(request.receipt) as { refs: string[] }).refs[0]! : '',
      );
      expect(replyMessageSchema.parse((JSON.parse(row!.record) as OutgoingReply).message).id).toBe(opened.message.id);
      // At rest nothing is in the clear: not the reply, not the mailbox id.
      store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      const disk = await allFilesText();
      expect(disk).not.toContain(SENTINEL_REPLY);
      expect(disk).not.toContain(mine.mailbox);
      // The audit line says replied, without content.
      const audit = store.db.prepare(`SELECT actor, action, detail FROM audit WHERE action = 'replied'`).all();
      expect(audit).toEqual([{ actor: 'cli', action: 'replied', detail: null }]);
      expect(verifyAudit(store).ok).toBe(true);
    } finally {
      site.server.close();
    }
  });

  it('keeps the reply when the site is down, survives a restart, and sends it, re-signed, when the site is back', async () => {
    const lines: string[] = [];
    // Nothing listens on port 9 (discard) on 127.0.0.1.
    await run({ phrase: ['danger'], lang: 'en', text: 'Hello', site: 'http://127.0.0.1:9' }, lines);
    expect(lines.join('\n')).toContain('1 waiting in the outbox');
    expect(states()).toMatchObject([{ state: 'waiting' }]);
    // A new process: the reply is still there.
    store.close();
    vault = await unlockVault(dir, PASSPHRASE);
    store = IntakeStore.open(dir, vault.storeSecret);
    expect(store.waitingReplies()).toHaveLength(1);
    // A 503 and a 429 keep it waiting too.
    const flaky = await fakeSite((attempt) => (attempt === 1 ? 503 : attempt === 2 ? 429 : 201));
    try {
      expect((await deliver(flaky.url)).waiting).toBe(1);
      expect((await deliver(flaky.url)).waiting).toBe(1);
      // Later, with a clock an hour on: signed at sending time, not at writing time.
      const later = await deliver(flaky.url, () => new Date(Date.now() + 3600_000));
      expect(later).toMatchObject({ delivered: 1, waiting: 0 });
      const sents = flaky.bodies.map((b) => (JSON.parse(b) as { sent: number }).sent);
      expect(sents[2]! - sents[0]!).toBeGreaterThanOrEqual(3599);
      const opened = await openReply(replyPostSchema.parse(JSON.parse(flaky.bodies[2]!)).reply, mine, senders());
      expect(opened.message.text).toEqual({ lang: 'en', body: 'Hello' });
      expect(store.waitingReplies()).toEqual([]);
    } finally {
      flaky.server.close();
    }
  });

  it('marks a reply the site refuses as refused, with the reason, instead of dropping it', async () => {
    const refusing = await fakeSite(() => 409);
    try {
      await run({ phrase: ['received'], site: refusing.url });
      expect(store.waitingReplies()).toEqual([]);
      const [state] = states();
      expect(state!.state).toBe('refused');
      expect(state!.problem).toContain('409');
    } finally {
      refusing.server.close();
    }
  });

  it("could-not-reach gives only the recipient's own publishable phone from recipients.json", async () => {
    await expect(run({ phrase: ['could-not-reach'] })).rejects.toThrow(/no phone number/);
    const file = join(dir, 'recipients.json');
    const write = (phone: unknown) =>
      writeFile(
        file,
        JSON.stringify({
          v: 1,
          recipients: [{ id: 'stockholm-development', keys: [{ publicKey: key.publicKey, notAfter: '2099-01-01' }], phone }],
        }),
      );
    // A number that is not publishable in shared/facts.md is never used.
    await write({ display: '070-000 00 00', tel: '+46700000000' });
    recipients = await loadRecipientDirectory(file);
    await expect(run({ phrase: ['could-not-reach'] })).rejects.toThrow(/no phone number/);
    await write({ display: '08-508 25 600', tel: '+46850825600' });
    recipients = await loadRecipientDirectory(file);
    await run({ phrase: ['could-not-reach'] });
    const [waiting] = store.waitingReplies();
    expect((JSON.parse(waiting!.record) as OutgoingReply).message.phrases).toEqual([{ id: 'could-not-reach', phone: '08-508 25 600' }]);
  });

  it('without a site URL the reply waits in the outbox', async () => {
    const saved = process.env['UTVAG_SITE_URL'];
    delete process.env['UTVAG_SITE_URL'];
    try {
      const lines: string[] = [];
      await run({ phrase: ['received'] }, lines);
      expect(lines.join('\n')).toContain('Not sent yet');
      expect(store.waitingReplies()).toHaveLength(1);
    } finally {
      if (saved !== undefined) process.env['UTVAG_SITE_URL'] = saved;
    }
  });

  it('refuses an unknown phrase, meet without a place or a time, a write-again without a day, will-call to someone who chose no call, an empty reply, a wrong language, an unknown code and a request without a reply address', async () => {
    await expect(run({ phrase: ['hello'] })).rejects.toThrow(ReplyWriteError);
    await expect(run({ phrase: ['meet'] })).rejects.toThrow(/place and a time/);
    await expect(run({ phrase: ['meet'], place: 'Fleminggatan 4' })).rejects.toThrow(/place and a time/);
    await expect(run({ phrase: ['write-again'], date: '24 december' })).rejects.toThrow(/YYYY-MM-DD/);
    // The request chose an answer on the site only ('here'): nobody calls.
    await expect(run({ phrase: ['will-call'] })).rejects.toThrow(/did not ask to be called or texted/);
    await expect(run({})).rejects.toThrow(/at least one/);
    await expect(run({ phrase: ['received'], lang: 'de' })).rejects.toThrow(/language/);
    await expect(run({ phrase: ['received'] }, [], '000 000 000 000')).rejects.toThrow(ReplyCommandError);
    await expect(run({ phrase: ['received'] }, [], 'not a code')).rejects.toThrow(/not a receipt code/);
    const plain = createRequest(sampleAnswers('x', { needs: [] }));
    await receive(plain);
    await expect(answerByReceipt(store, vault, recipients, plain.receipt, { phrase: ['received'] }, 'cli')).rejects.toThrow(
      /did not ask for an answer on the site/,
    );
    expect(states()).toEqual([]);
  });
});

describe('reply delivery counts only proof (N12)', () => {
  it.each(['none', 'wrong-id', 'other-key'] as const)(
    'a 201 whose acknowledgement is %s is not delivered: the reply waits',
    async (ack) => {
      const site = await fakeSite(() => 201, ack);
      try {
        await run({ phrase: ['received'], site: site.url });
        expect(site.bodies).toHaveLength(1);
        expect(states()).toEqual([{ state: 'waiting', problem: expect.stringContaining('signed acknowledgement') }]);
      } finally {
        site.server.close();
      }
    },
  );

  it('a redirect is refused, not followed: the signed body never reaches the other address', async () => {
    const elsewhere = await fakeSite(() => 201);
    const redirecting = createServer((_req, res) => res.writeHead(307, { location: `${elsewhere.url}/api/reply` }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      await run({ phrase: ['received'], site: `http://127.0.0.1:${(redirecting.address() as { port: number }).port}` });
      expect(elsewhere.bodies).toEqual([]);
      expect(states()).toEqual([{ state: 'refused', problem: expect.stringContaining('redirect refused') }]);
    } finally {
      redirecting.close();
      elsewhere.server.close();
    }
  });

  it('plain http is refused for any host but this machine, before anything is sent', async () => {
    const calls: string[] = [];
    await run({ phrase: ['received'] });
    const summary = await deliverOutbox(store, (kid) => senderOrNull(vault, kid), 'http://site.example', {
      fetch: async (input) => (calls.push(String(input)), new Response('{}', { status: 201 })),
    });
    expect(calls).toEqual([]);
    expect(summary.refused).toEqual([{ receipt: request.receipt, reason: expect.stringContaining('https://') }]);
  });
});

describe("a follow-up must prove it is the person's (N3)", () => {
  const count = () => (store.db.prepare('SELECT COUNT(*) AS n FROM requests').get() as { n: number }).n;
  const ring = () => new Map(vault.keys.map((k) => [k.kid, k.privateKey]));

  async function followUpFrom(
    signer: ReplyKeys,
    address: { publicKey: string; mailbox: string },
    caseId: string,
    message = 'Det är jag igen. Var skulle vi ses?',
  ) {
    const followUp = createRequest(
      followUpAnswers({ locale: 'sv', municipality: 'stockholm', message, reply: address, followUpOf: caseId }),
    );
    followUp.followUpProof = await signFollowUp(signer.signingKey, { id: followUp.id, followUpOf: caseId, message });
    return followUp;
  }

  it("refuses, and stores nothing for, a forged follow-up: the review's (own reply key, any case), a real case with another key, a copied address without the secret, or no proof", async () => {
    const before = count();
    const attacker = await deriveReplyKeys('99998888777766665555');
    const forgeries = [
      // As in the review: the attacker's own reply address and a random case.
      await followUpFrom(attacker, { publicKey: attacker.publicKey, mailbox: attacker.mailbox }, crypto.randomUUID()),
      // The real case, the attacker's own address.
      await followUpFrom(attacker, { publicKey: attacker.publicKey, mailbox: attacker.mailbox }, request.id),
      // The real case and the person's address (copied), signed without the secret.
      await followUpFrom(attacker, { publicKey: mine.publicKey, mailbox: mine.mailbox }, request.id),
    ];
    const noProof = await followUpFrom(mine, { publicKey: mine.publicKey, mailbox: mine.mailbox }, request.id);
    delete noProof.followUpProof;
    forgeries.push(noProof);
    for (const forged of forgeries) {
      const result = await store.receive(JSON.stringify(await sealRequest(forged, key)), ring(), recipients);
      expect(result).toMatchObject({ status: 'refused', code: 'forged_follow_up' });
    }
    expect(count()).toBe(before);
  });

  it("stores the person's own follow-up, with no promise clock of its own", async () => {
    const genuine = await followUpFrom(mine, { publicKey: mine.publicKey, mailbox: mine.mailbox }, request.id);
    const result = await store.receive(JSON.stringify(await sealRequest(genuine, key)), ring(), recipients);
    expect(result).toMatchObject({ status: 'stored' });
    const row = store.db.prepare('SELECT due_at FROM requests WHERE ref = ?').get((result as { ref: string }).ref) as {
      due_at: number | null;
    };
    expect(row.due_at).toBeNull();
  });
});
