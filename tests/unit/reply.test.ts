/**
 * The way back (issue 14): reply secret, key derivation vectors, sealed
 * replies in HPKE auth mode, the signed post, and the worked example in
 * WIRE-FORMAT.md (tests/fixtures/utvag-reply-v1-example.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  base64urlDecode,
  contactSuite,
  generateRecipientKeyPair,
  importPublicKey,
  measureRequest,
  MAX_JSON_BYTES,
  type PrivateKeyJwk,
} from '../../protocol/envelope.ts';
import { formatReplySecret, generateReplySecret, normalizeReplySecret, toWesternDigits } from '../../protocol/reply-secret.ts';
import { deriveReplyKeys, replyKeysFromMaster, replyMaster } from '../../protocol/reply-keys.ts';
import {
  importReplySenderKey,
  REPLY_HPKE_INFO,
  replyPhrasesFor,
  replyPhraseSchema,
  replyAad,
  replyIdOf,
  sealReply,
  type ReplyMessage,
  type SealedReply,
} from '../../protocol/reply.ts';
import { openReply } from '../../protocol/reply-open.ts';
import { REPLY_CT_SIZE, REPLY_TEXT_MAX_LENGTH, REPLY_TIME_MAX_LENGTH } from '../../protocol/limits.ts';
import { replyPostBody, signReplyPost, verifyReplyPost } from '../../protocol/reply-post.ts';
import { contactRequestSchema, createRequest } from '../../protocol/request.ts';
import { worstCaseAnswers } from './worst-case-answers.ts';
import { answerHereAnswers } from '../../tools/dev/sample-request.ts';

const example = JSON.parse(readFileSync(new URL('../fixtures/utvag-reply-v1-example.json', import.meta.url), 'utf8')) as {
  secret: string;
  secretShown: string;
  pbkdf2: { masterHex: string; iterations: number };
  mailbox: string;
  replyPublicKey: string;
  senderKid: string;
  senderPublicKey: string;
  ikmE: string;
  aad: string;
  replyJson: string;
  sealedReply: SealedReply;
  replyId: string;
};
const v1 = JSON.parse(readFileSync(new URL('../fixtures/utvag-wire-v1-example.json', import.meta.url), 'utf8')) as {
  recipientPrivateKeyJwk: PrivateKeyJwk;
};
const hex = (text: string) => new Uint8Array(text.match(/../g)!.map((h) => parseInt(h, 16)));
const senders = new Map([[example.senderKid, { recipient: 'stockholm', publicKey: example.senderPublicKey }]]);

describe('reply secret', () => {
  it('is 20 random digits, every digit used, shown in groups of four', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const secret = generateReplySecret();
      expect(secret).toMatch(/^[0-9]{20}$/);
      for (const digit of secret) seen.add(digit);
    }
    expect(seen.size).toBe(10);
    expect(formatReplySecret('40721958336014278865')).toBe('4072 1958 3360 1427 8865');
    // 10^20 secrets: at least 64 bits.
    expect(20 * Math.log2(10)).toBeGreaterThan(64);
  });

  it('accepts Western, Arabic-Indic and Persian digits, with spaces, dashes and bidi marks', () => {
    expect(toWesternDigits('٠١٢٣٤٥٦٧٨٩ ۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789 0123456789');
    const canonical = '40721958336014278865';
    for (const typed of [
      '4072 1958 3360 1427 8865',
      '4072-1958-3360-1427-8865',
      ' 40721958336014278865 ',
      '٤٠٧٢ ١٩٥٨ ٣٣٦٠ ١٤٢٧ ٨٨٦٥',
      '۴۰۷۲ ۱۹۵۸ ۳۳۶۰ ۱۴۲۷ ۸۸۶۵',
      '\u200F٤٠٧٢\u00A0۱۹۵۸.3360\u200E1427 8865',
    ]) {
      expect(normalizeReplySecret(typed)).toBe(canonical);
    }
  });

  it('refuses anything that is not exactly 20 digits', () => {
    for (const typed of ['', '4072 1958 3360 1427 886', '4072 1958 3360 1427 88651', '4072 1958 3360 1427 886O', 'K7QP-2M9X', '١٢٣']) {
      expect(normalizeReplySecret(typed)).toBeNull();
    }
  });
});

describe('key derivation (WIRE-FORMAT.md §11)', () => {
  it('PBKDF2 gives the documented master (checked independently with Python hashlib.pbkdf2_hmac)', async () => {
    expect(example.pbkdf2.iterations).toBe(600_000);
    expect(Buffer.from(await replyMaster(example.secret)).toString('hex')).toBe(example.pbkdf2.masterHex);
  });

  it('HKDF and DeriveKeyPair give the documented mailbox id and reply public key', async () => {
    const keys = await replyKeysFromMaster(hex(example.pbkdf2.masterHex));
    expect(keys.mailbox).toBe(example.mailbox);
    expect(keys.publicKey).toBe(example.replyPublicKey);
  });

  it('the secret typed in Persian digits derives the same keys; one digit off derives others', async () => {
    const typed = normalizeReplySecret('۴۰۷۲ ۱۹۵۸ ۳۳۶۰ ۱۴۲۷ ۸۸۶۵')!;
    const same = await deriveReplyKeys(typed);
    expect([same.mailbox, same.publicKey]).toEqual([example.mailbox, example.replyPublicKey]);
    const other = await deriveReplyKeys('40721958336014278866');
    expect(other.mailbox).not.toBe(example.mailbox);
    expect(other.publicKey).not.toBe(example.replyPublicKey);
  });

  it('the mailbox id and public key fit the request schema', async () => {
    const request = createRequest(answerHereAnswers('', { publicKey: example.replyPublicKey, mailbox: example.mailbox }, { locale: 'fa' }));
    expect(request.reply?.mailbox).toBe(example.mailbox);
  });
});

describe('worked example (tests/fixtures/utvag-reply-v1-example.json)', () => {
  it('opens with the derived key, verifies the sender and gives exactly the documented reply JSON', async () => {
    const keys = await replyKeysFromMaster(hex(example.pbkdf2.masterHex));
    expect(new TextDecoder().decode(replyAad(example.mailbox, example.senderKid))).toBe(example.aad);
    const opened = await openReply(example.sealedReply, keys, senders);
    expect(JSON.stringify(opened.message)).toBe(example.replyJson);
    expect(opened.recipient).toBe('stockholm');
    expect(await replyIdOf(example.sealedReply.ct)).toBe(example.replyId);
  });

  it("WIRE-FORMAT.md states the example's values", () => {
    const doc = readFileSync(new URL('../../protocol/WIRE-FORMAT.md', import.meta.url), 'utf8');
    for (const value of [
      example.secret,
      example.secretShown,
      example.pbkdf2.masterHex,
      example.mailbox,
      example.replyPublicKey,
      example.senderKid,
      example.ikmE,
      example.aad,
      example.replyId,
    ]) {
      expect(doc).toContain(value);
    }
  });

  it('is reproduced byte for byte from its inputs with the fixed ephemeral key', async () => {
    const sender = await importReplySenderKey(v1.recipientPrivateKeyJwk);
    expect(sender.kid).toBe(example.senderKid);
    const sealed = await sealReply(
      JSON.parse(example.replyJson) as ReplyMessage,
      { publicKey: example.replyPublicKey, mailbox: example.mailbox },
      sender,
      {
        ekm: hex(example.ikmE),
      },
    );
    expect(sealed).toEqual(example.sealedReply);
    expect(base64urlDecode(sealed.ct)!.length).toBe(REPLY_CT_SIZE);
  });
});

describe('sealed replies', () => {
  const keys = () => replyKeysFromMaster(hex(example.pbkdf2.masterHex));
  const message = (extra: Partial<ReplyMessage> = {}): ReplyMessage => ({
    v: 1,
    id: crypto.randomUUID(),
    case: crypto.randomUUID(),
    receipt: '7KQ3-MX2P',
    created: '2026-12-02',
    phrases: [{ id: 'received' }],
    ...extra,
  });

  it('every reply has the same length, from one phrase to the longest text in a 3-byte script', async () => {
    const mine = await keys();
    const sender = await importReplySenderKey(v1.recipientPrivateKeyJwk);
    const short = await sealReply(message(), mine, sender);
    const long = await sealReply(
      message({
        phrases: [
          { id: 'received' },
          { id: 'will-call' },
          { id: 'could-not-reach', phone: '08-508 25 600' },
          { id: 'meet', place: 'ቀ'.repeat(200), time: 'ቀ'.repeat(REPLY_TIME_MAX_LENGTH) },
          { id: 'write-back' },
          { id: 'write-again', date: '2026-12-24' },
          { id: 'confidential' },
          { id: 'danger' },
        ],
        text: { lang: 'ti', body: 'ቀ'.repeat(REPLY_TEXT_MAX_LENGTH) },
      }),
      mine,
      sender,
    );
    expect(long.ct.length).toBe(short.ct.length);
    expect((await openReply(long, mine, senders)).message.text?.lang).toBe('ti');
  });

  it('refuses an empty reply, a repeated phrase and a text one character too long, naming the field', async () => {
    const sender = await importReplySenderKey(v1.recipientPrivateKeyJwk);
    const mine = await keys();
    await expect(sealReply(message({ phrases: [] }), mine, sender)).rejects.toMatchObject({ code: 'bad_reply', fields: ['phrases'] });
    await expect(sealReply(message({ phrases: [{ id: 'received' }, { id: 'received' }] }), mine, sender)).rejects.toMatchObject({
      code: 'bad_reply',
    });
    await expect(
      sealReply(message({ text: { lang: 'sv', body: 'a'.repeat(REPLY_TEXT_MAX_LENGTH + 1) } }), mine, sender),
    ).rejects.toMatchObject({
      code: 'bad_reply',
      fields: ['text.body'],
    });
  });

  it('rejects an altered reply, a reply from an unpublished sender, a base-mode forgery and a reply moved to another mailbox', async () => {
    const mine = await keys();
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    await expect(openReply({ ...example.sealedReply, ct: flip(example.sealedReply.ct, 500) }, mine, senders)).rejects.toMatchObject({
      code: 'forged',
    });
    await expect(openReply({ ...example.sealedReply, enc: flip(example.sealedReply.enc, 40) }, mine, senders)).rejects.toMatchObject({
      code: 'forged',
    });
    // Someone else with a key pair of their own, claiming the municipality's kid.
    const forger = await generateRecipientKeyPair();
    const forged = await sealReply(message(), mine, { ...(await importReplySenderKey(forger.privateJwk)), kid: example.senderKid });
    await expect(openReply(forged, mine, senders)).rejects.toMatchObject({ code: 'forged' });
    await expect(openReply({ ...forged, kid: forger.kid }, mine, senders)).rejects.toMatchObject({ code: 'unknown_sender' });
    // Base mode, knowing only public keys: what anyone could make.
    const base = await contactSuite.seal(
      { recipientPublicKey: await importPublicKey(mine.publicKey), info: new TextEncoder().encode(REPLY_HPKE_INFO) },
      new Uint8Array(8192),
      replyAad(mine.mailbox, example.senderKid),
    );
    const encoded = {
      ...example.sealedReply,
      enc: Buffer.from(base.enc).toString('base64url'),
      ct: Buffer.from(base.ct).toString('base64url'),
    };
    await expect(openReply(encoded, mine, senders)).rejects.toMatchObject({ code: 'forged' });
    // The right reply in another mailbox, and the wrong secret.
    await expect(openReply(example.sealedReply, { ...mine, mailbox: 'AAAAAAAAAAAAAAAAAAAAAA' }, senders)).rejects.toMatchObject({
      code: 'forged',
    });
    const wrong = await replyKeysFromMaster(new Uint8Array(32));
    await expect(openReply(example.sealedReply, { ...wrong, mailbox: example.mailbox }, senders)).rejects.toMatchObject({ code: 'forged' });
  });
});

describe('signed reply post (WIRE-FORMAT.md §13)', () => {
  it('verifies with the published key only, and not after any change', async () => {
    const body = replyPostBody({ v: 1, mailbox: example.mailbox, sent: 1_796_000_000, reply: example.sealedReply });
    const signature = await signReplyPost(body, v1.recipientPrivateKeyJwk);
    expect(await verifyReplyPost(body, signature, example.senderPublicKey)).toBe(true);
    expect(await verifyReplyPost(body.replace('1796000000', '1796000001'), signature, example.senderPublicKey)).toBe(false);
    const other = await generateRecipientKeyPair();
    expect(await verifyReplyPost(body, signature, other.publicKey)).toBe(false);
    expect(await verifyReplyPost(body, await signReplyPost(body, other.privateJwk), example.senderPublicKey)).toBe(false);
    for (const header of [null, '', 'v1=', signature.slice(3), `v2=${signature.slice(3)}`]) {
      expect(await verifyReplyPost(body, header, example.senderPublicKey)).toBe(false);
    }
  });
});

describe('request schema with the way back', () => {
  const base = {
    locale: 'sv' as const,
    role: 'self' as const,
    municipality: 'stockholm',
    needs: [],
    contact: { method: 'here' as const, safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
    language: '',
    interpreter: false,
    message: 'hej',
  };

  it('"answer me here" alone needs a reply address; with a call it is optional', () => {
    expect(() => createRequest(base)).toThrow();
    expect(() => createRequest({ ...base, contact: { ...base.contact, method: 'i-call' } })).not.toThrow();
    expect(
      createRequest({
        ...base,
        contact: { ...base.contact, method: 'call', phone: '070-123 45 67' },
        reply: { publicKey: example.replyPublicKey, mailbox: example.mailbox },
      }).reply,
    ).toBeDefined();
  });

  it('refuses a reply address that is not canonical, and a follow-up that names no case id', () => {
    const request = createRequest({ ...base, reply: { publicKey: example.replyPublicKey, mailbox: example.mailbox } });
    const bad = [
      { ...request, reply: { ...request.reply!, mailbox: example.mailbox.slice(0, 21) + 'B' } },
      { ...request, reply: { ...request.reply!, publicKey: 'A' + example.replyPublicKey.slice(1) } },
      { ...request, reply: { ...request.reply!, extra: 1 } },
      { ...request, followUpOf: 'K7QP-2M9X' },
    ];
    for (const candidate of bad) expect(contactRequestSchema.safeParse(candidate).success).toBe(false);
    expect(contactRequestSchema.safeParse({ ...request, followUpOf: crypto.randomUUID() }).success).toBe(true);
  });

  it('the worst case with a reply address and a follow-up still fits the padded size', () => {
    const request = createRequest({
      ...worstCaseAnswers(),
      reply: { publicKey: example.replyPublicKey, mailbox: example.mailbox },
      followUpOf: crypto.randomUUID(),
    });
    expect(measureRequest(request).jsonBytes).toBeLessThan(MAX_JSON_BYTES);
  });
});

describe('the phrase bank fits the contact method (T3-13)', () => {
  it('offers "we will call you" only to someone who asked to be called or texted, and every other phrase to all', () => {
    expect(replyPhrasesFor('call')).toContain('will-call');
    expect(replyPhrasesFor('sms')).toContain('will-call');
    for (const method of ['i-call', 'here'] as const) {
      expect(replyPhrasesFor(method)).not.toContain('will-call');
      expect(replyPhrasesFor(method)).toEqual(expect.arrayContaining(['received', 'danger', 'write-again', 'confidential', 'meet']));
    }
  });

  it('a meeting needs a place and a time; writing again needs a day', () => {
    expect(replyPhraseSchema.safeParse({ id: 'meet', place: 'Fleminggatan 4' }).success).toBe(false);
    expect(replyPhraseSchema.safeParse({ id: 'meet', place: 'Fleminggatan 4', time: 'tisdag kl. 15' }).success).toBe(true);
    expect(replyPhraseSchema.safeParse({ id: 'write-again', date: 'snart' }).success).toBe(false);
    expect(replyPhraseSchema.safeParse({ id: 'write-again', date: '2026-12-24' }).success).toBe(true);
  });
});
