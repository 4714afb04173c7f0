import { readFileSync } from 'node:fs';
import { Aes128Gcm, Aes256Gcm, CipherSuite, DhkemP256HkdfSha256, DhkemP521HkdfSha512, HkdfSha256, HkdfSha512 } from '@hpke/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  aadForKid,
  base64urlDecode,
  base64urlEncode,
  base64urlLength,
  computeKid,
  contactSuite,
  CT_SIZE,
  ENC_SIZE,
  EnvelopeError,
  generateRecipientKeyPair,
  HPKE_INFO,
  importPublicKey,
  MAX_JSON_BYTES,
  measureRequest,
  padPlaintext,
  PADDED_SIZE,
  parseEnvelope,
  sealRequest,
  SUITE_IDS,
  unpadPlaintext,
  type Envelope,
} from '../../protocol/envelope.ts';
import { importPrivateKey, keyRing, openEnvelope, type PrivateKeyRing, type RecipientPrivateKey } from '../../protocol/envelope-open.ts';
import { createRequest, type ContactRequest, type ContactRequestInput } from '../../protocol/request.ts';
import { MESSAGE_MAX_LENGTH } from '../../protocol/limits.ts';
import { worstCaseAnswers } from './worst-case-answers.ts';
import { deriveScalar } from '../../protocol/hpke/derive-key-pair.ts';
// Only the byte joining is shared: the HPKE steps below are written out again, independently.
import { concat } from '../../protocol/hpke/labeled-hkdf.ts';

const hex = (text: string) => new Uint8Array((text.match(/../g) ?? []).map((pair) => parseInt(pair, 16)));
const toHex = (bytes: ArrayBuffer | Uint8Array) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('');

interface Encryption {
  aad: string;
  plaintext: string;
  ciphertext: string;
}
interface RfcVector {
  info: string;
  ikmE: string;
  pkEm: string;
  skEm: string;
  pkRm: string;
  skRm: string;
  encryptions: Encryption[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/rfc9180-p256-aes256.json', import.meta.url), 'utf8')) as {
  a31: RfcVector & { ikmR: string; exports: { exportContext: string; exportLength: number; exportValue: string }[] };
  a61: RfcVector;
};

/**
 * RFC 9180 §4–5.2 base-mode sender for DHKEM(P-256, HKDF-SHA256) and
 * HKDF-SHA256, written from the RFC with nothing but WebCrypto, so that it
 * shares no code with @hpke/core. Seals `plaintexts` in sequence order.
 */
async function referenceSealP256Sha256(args: {
  aeadId: 1 | 2;
  skEm: Uint8Array<ArrayBuffer>;
  pkEm: Uint8Array<ArrayBuffer>;
  pkRm: Uint8Array<ArrayBuffer>;
  info: Uint8Array<ArrayBuffer>;
  messages: { aad: Uint8Array<ArrayBuffer>; plaintext: Uint8Array<ArrayBuffer> }[];
}): Promise<Uint8Array[]> {
  const subtle = crypto.subtle;
  const ascii = (text: string) => new TextEncoder().encode(text);
  const i2osp = (value: number, length: number) => {
    const out = new Uint8Array(length);
    for (let i = length - 1, v = value; i >= 0; i--, v >>= 8) out[i] = v & 0xff;
    return out;
  };
  const hmac = async (key: Uint8Array, data: Uint8Array) => {
    // An empty HKDF salt means HashLen zero bytes (RFC 5869 §2.2).
    const keyBytes = key.length === 0 ? new Uint8Array(32) : new Uint8Array(key);
    const hmacKey = await subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return new Uint8Array(await subtle.sign('HMAC', hmacKey, new Uint8Array(data)));
  };
  const expand = async (prk: Uint8Array, info: Uint8Array, length: number) => {
    let block = new Uint8Array(0);
    let out = new Uint8Array(0);
    for (let counter = 1; out.length < length; counter++) {
      block = await hmac(prk, concat(block, info, new Uint8Array([counter])));
      out = concat(out, block);
    }
    return out.slice(0, length);
  };
  const labeledExtract = (suiteId: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array) =>
    hmac(salt, concat(ascii('HPKE-v1'), suiteId, ascii(label), ikm));
  const labeledExpand = (suiteId: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number) =>
    expand(prk, concat(i2osp(length, 2), ascii('HPKE-v1'), suiteId, ascii(label), info), length);

  // DHKEM(P-256) Encap with the given ephemeral key (RFC 9180 §4.1).
  const pkcs8Prefix = [
    0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
  ];
  const skE = await subtle.importKey(
    'pkcs8',
    concat(new Uint8Array(pkcs8Prefix), args.skEm),
    { name: 'ECDH', namedCurve: 'P-256' },
    false,
    ['deriveBits'],
  );
  const pkR = await subtle.importKey('raw', args.pkRm, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const dh = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: pkR }, skE, 256));
  const kemSuiteId = concat(ascii('KEM'), i2osp(0x0010, 2));
  const eaePrk = await labeledExtract(kemSuiteId, new Uint8Array(0), 'eae_prk', dh);
  const sharedSecret = await labeledExpand(kemSuiteId, eaePrk, 'shared_secret', concat(args.pkEm, args.pkRm), 32);

  // KeySchedule, mode_base (RFC 9180 §5.1).
  const suiteId = concat(ascii('HPKE'), i2osp(0x0010, 2), i2osp(0x0001, 2), i2osp(args.aeadId, 2));
  const pskIdHash = await labeledExtract(suiteId, new Uint8Array(0), 'psk_id_hash', new Uint8Array(0));
  const infoHash = await labeledExtract(suiteId, new Uint8Array(0), 'info_hash', args.info);
  const context = concat(new Uint8Array([0x00]), pskIdHash, infoHash);
  const secret = await labeledExtract(suiteId, sharedSecret, 'secret', new Uint8Array(0));
  const keyBytes = await labeledExpand(suiteId, secret, 'key', context, args.aeadId === 1 ? 16 : 32);
  const baseNonce = await labeledExpand(suiteId, secret, 'base_nonce', context, 12);
  const key = await subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['encrypt']);

  const ciphertexts: Uint8Array[] = [];
  for (const [seq, message] of args.messages.entries()) {
    const nonce = baseNonce.slice();
    nonce[11]! ^= seq; // seq < 256 here
    ciphertexts.push(
      new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: message.aad }, key, message.plaintext)),
    );
  }
  return ciphertexts;
}

describe('RFC 9180 conformance of the v1 suite: base mode, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM', () => {
  const a31 = fixture.a31;
  const a61 = fixture.a61;

  it('the envelope module uses kem 0x0010, kdf 0x0001, aead 0x0002', () => {
    expect(SUITE_IDS).toEqual({ mode: 0, kem: 0x0010, kdf: 0x0001, aead: 0x0002 });
    expect(contactSuite.kem.id).toBe(0x0010);
    expect(contactSuite.kdf.id).toBe(0x0001);
    expect(contactSuite.aead.id).toBe(0x0002);
  });

  it('RFC 9180 A.3.1: our KEM derives the published key pairs (all of A.3: tests/unit/hpke.test.ts)', async () => {
    const recipient = await contactSuite.kem.deriveKeyPair(hex(a31.ikmR));
    expect(toHex(await deriveScalar(hex(a31.ikmR)))).toBe(a31.skRm);
    expect(toHex(await contactSuite.kem.serializePublicKey(recipient.publicKey))).toBe(a31.pkRm);
    expect(recipient.privateKey.extractable).toBe(false);
    expect(toHex(await deriveScalar(hex(a31.ikmE)))).toBe(a31.skEm);
  });

  it('RFC 9180 A.3.1: @hpke/core, the cross-test reference, reproduces enc, ciphertexts and exports', async () => {
    const a31Suite = new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });

    const sender = await a31Suite.createSenderContext({
      recipientPublicKey: await a31Suite.kem.deserializePublicKey(hex(a31.pkRm)),
      info: hex(a31.info),
      ekm: hex(a31.ikmE), // fixed ephemeral key: test vectors only
    });
    expect(toHex(sender.enc)).toBe(a31.pkEm);
    for (const encryption of a31.encryptions) {
      expect(toHex(await sender.seal(hex(encryption.plaintext), hex(encryption.aad)))).toBe(encryption.ciphertext);
    }
    const receiver = await a31Suite.createRecipientContext({
      recipientKey: await a31Suite.kem.deserializePrivateKey(hex(a31.skRm)),
      enc: hex(a31.pkEm),
      info: hex(a31.info),
    });
    for (const encryption of a31.encryptions) {
      expect(toHex(await receiver.open(hex(encryption.ciphertext), hex(encryption.aad)))).toBe(encryption.plaintext);
    }
    for (const exported of a31.exports) {
      expect(toHex(await receiver.export(hex(exported.exportContext), exported.exportLength))).toBe(exported.exportValue);
    }
  });

  it('RFC 9180 A.6.1: the AES-256-GCM AEAD reproduces the published ciphertexts', async () => {
    const a61Suite = new CipherSuite({ kem: new DhkemP521HkdfSha512(), kdf: new HkdfSha512(), aead: new Aes256Gcm() });
    const sender = await a61Suite.createSenderContext({
      recipientPublicKey: await a61Suite.kem.deserializePublicKey(hex(a61.pkRm)),
      info: hex(a61.info),
      ekm: hex(a61.ikmE),
    });
    expect(toHex(sender.enc)).toBe(a61.pkEm);
    for (const encryption of a61.encryptions) {
      expect(toHex(await sender.seal(hex(encryption.plaintext), hex(encryption.aad)))).toBe(encryption.ciphertext);
    }
  });

  it('an independent RFC 9180 implementation (plain WebCrypto) reproduces A.3.1 exactly', async () => {
    const ciphertexts = await referenceSealP256Sha256({
      aeadId: 1,
      skEm: hex(a31.skEm),
      pkEm: hex(a31.pkEm),
      pkRm: hex(a31.pkRm),
      info: hex(a31.info),
      messages: a31.encryptions.map((encryption) => ({ aad: hex(encryption.aad), plaintext: hex(encryption.plaintext) })),
    });
    expect(ciphertexts.map(toHex)).toEqual(a31.encryptions.map((encryption) => encryption.ciphertext));
  });

  it('the independent implementation, protocol/hpke and @hpke/core agree byte for byte on the exact v1 suite with our info and aad', async () => {
    const kid = await computeKid(hex(a31.pkRm));
    const padded = padPlaintext(new TextEncoder().encode('{"v":1}'));
    const messages = [{ aad: aadForKid(kid), plaintext: padded }];
    const [reference] = await referenceSealP256Sha256({
      aeadId: 2,
      skEm: hex(a31.skEm),
      pkEm: hex(a31.pkEm),
      pkRm: hex(a31.pkRm),
      info: new TextEncoder().encode(HPKE_INFO),
      messages,
    });
    const sender = await contactSuite.createSenderContext({
      recipientPublicKey: await importPublicKey(hex(a31.pkRm)),
      info: new TextEncoder().encode(HPKE_INFO),
      ekm: hex(a31.ikmE),
    });
    const ours = new Uint8Array(await sender.seal(padded, aadForKid(kid)));
    expect(ours.length).toBe(CT_SIZE);
    expect(toHex(ours)).toBe(toHex(reference!));
    const coreSuite = new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
    const core = await coreSuite.createSenderContext({
      recipientPublicKey: await coreSuite.kem.deserializePublicKey(hex(a31.pkRm)),
      info: new TextEncoder().encode(HPKE_INFO),
      ekm: hex(a31.ikmE),
    });
    expect(toHex(await core.seal(padded, aadForKid(kid)))).toBe(toHex(reference!));
  });

  it('a ciphertext made by the independent implementation opens through openEnvelope', async () => {
    const recipientJwk = await jwkFromRawPrivate(hex(a31.skRm), hex(a31.pkRm));
    const key = await importPrivateKey(recipientJwk);
    const request = createRequest(answers({ locale: 'ti', message: 'ሰላም' }));
    const [ct] = await referenceSealP256Sha256({
      aeadId: 2,
      skEm: hex(a31.skEm),
      pkEm: hex(a31.pkEm),
      pkRm: hex(a31.pkRm),
      info: new TextEncoder().encode(HPKE_INFO),
      messages: [{ aad: aadForKid(key.kid), plaintext: padPlaintext(new TextEncoder().encode(JSON.stringify(request))) }],
    });
    const envelope = { v: 1, kid: key.kid, enc: base64urlEncode(hex(a31.pkEm)), ct: base64urlEncode(ct!) };
    expect(await openEnvelope(envelope, keyRing([key]))).toEqual(request);
  });
});

/** A private JWK from a raw scalar and the raw public point (x, y are the point's halves). */
async function jwkFromRawPrivate(d: Uint8Array, publicPoint: Uint8Array) {
  return {
    kty: 'EC',
    crv: 'P-256',
    x: base64urlEncode(publicPoint.subarray(1, 33)),
    y: base64urlEncode(publicPoint.subarray(33, 65)),
    d: base64urlEncode(d),
  };
}

describe('base64url', () => {
  it('round-trips every length and never pads', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      const text = base64urlEncode(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(text.length).toBe(base64urlLength(length));
      expect(base64urlDecode(text)).toEqual(bytes);
    }
  });

  it('matches the standard encoding (RFC 4648 test strings)', () => {
    const utf8 = new TextEncoder();
    expect(base64urlEncode(utf8.encode('foobar'))).toBe('Zm9vYmFy');
    expect(base64urlEncode(utf8.encode('fo'))).toBe('Zm8');
    expect(base64urlEncode(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('refuses padding, standard-alphabet characters, whitespace and non-canonical trailing bits', () => {
    expect(base64urlDecode('Zm8=')).toBeNull();
    expect(base64urlDecode('+/8')).toBeNull();
    expect(base64urlDecode('Zm 8')).toBeNull();
    expect(base64urlDecode('Zm9')).toBeNull(); // 'fo' is Zm8: the 9 sets unused bits
    expect(base64urlDecode('Z')).toBeNull();
  });
});

describe('padding', () => {
  it('pads to exactly 16,384 bytes with a big-endian length prefix and zeros', () => {
    const json = new TextEncoder().encode('{"a":1}');
    const padded = padPlaintext(json);
    expect(padded.length).toBe(PADDED_SIZE);
    expect([...padded.subarray(0, 4)]).toEqual([0, 0, 0, 7]);
    expect(padded.subarray(4, 11)).toEqual(json);
    expect(padded.subarray(11).every((byte) => byte === 0)).toBe(true);
    expect(unpadPlaintext(padded)).toEqual(json);
  });

  it('accepts exactly the maximum and refuses one byte more with too_large', () => {
    expect(padPlaintext(new Uint8Array(MAX_JSON_BYTES).fill(0x41)).length).toBe(PADDED_SIZE);
    expect(() => padPlaintext(new Uint8Array(MAX_JSON_BYTES + 1))).toThrow(expect.objectContaining({ code: 'too_large' }));
  });

  it('refuses a nonzero padding byte, a length past the end and a wrong total size', () => {
    const padded = padPlaintext(new TextEncoder().encode('{}'));
    padded[PADDED_SIZE - 1] = 1;
    expect(() => unpadPlaintext(padded)).toThrow(expect.objectContaining({ code: 'bad_padding' }));
    const tooLong = new Uint8Array(PADDED_SIZE);
    new DataView(tooLong.buffer).setUint32(0, MAX_JSON_BYTES + 1);
    expect(() => unpadPlaintext(tooLong)).toThrow(expect.objectContaining({ code: 'bad_padding' }));
    expect(() => unpadPlaintext(new Uint8Array(PADDED_SIZE - 1))).toThrow(expect.objectContaining({ code: 'bad_padding' }));
  });
});

function answers(overrides: Partial<ContactRequestInput> = {}): ContactRequestInput {
  return {
    locale: 'sv',
    role: 'self',
    municipality: 'stockholm',
    needs: ['leave-crime', 'safety'],
    contact: {
      method: 'sms',
      phone: '070-123 45 67',
      safeTimes: 'Vardagar efter 18',
      voicemailOk: false,
      mayNameSocialServices: false,
    },
    language: 'svenska',
    interpreter: false,
    message: 'Jag vill ut.',
    ...overrides,
  };
}

async function expectEnvelopeError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EnvelopeError);
  expect((error as EnvelopeError).code).toBe(code);
}

describe('sealRequest / openEnvelope', () => {
  let recipient: { kid: string; publicKey: string };
  let privateKey: RecipientPrivateKey;
  let other: { kid: string; publicKey: string };
  let ring: PrivateKeyRing;

  beforeAll(async () => {
    const pair = await generateRecipientKeyPair();
    const otherPair = await generateRecipientKeyPair();
    recipient = { kid: pair.kid, publicKey: pair.publicKey };
    other = { kid: otherPair.kid, publicKey: otherPair.publicKey };
    privateKey = await importPrivateKey(pair.privateJwk);
    ring = keyRing([privateKey, await importPrivateKey(otherPair.privateJwk)]);
  });

  it('kid is the first 16 bytes of SHA-256 of the raw public key, base64url', async () => {
    const raw = base64urlDecode(recipient.publicKey)!;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
    expect(recipient.kid).toBe(base64urlEncode(digest.subarray(0, 16)));
    expect(await computeKid(raw)).toBe(recipient.kid);
    expect(privateKey.kid).toBe(recipient.kid);
  });

  const texts: Record<string, Partial<ContactRequestInput>> = {
    Arabic: { locale: 'ar', language: 'العربية', message: 'أريد أن أترك هذه الحياة. من فضلكم اتصلوا بي بعد الساعة السادسة.' },
    Persian: { locale: 'fa', language: 'فارسی', message: 'می‌خواهم از این زندگی بیرون بیایم. لطفاً فقط پیامک بفرستید.' },
    Somali: { locale: 'so', language: 'Soomaali', message: 'Waxaan rabaa inaan ka baxo nolosha dembiga. Fadlan ii soo dir fariin.' },
    Tigrinya: { locale: 'ti', language: 'ትግርኛ', message: 'ካብዚ ህይወት ክወጽእ ደሊየ ኣለኹ። በጃኹም ድሕሪ ሰዓት ሽዱሽተ ደውሉለይ።' },
  };
  for (const [name, overrides] of Object.entries(texts)) {
    it(`round-trips a request written in ${name}`, async () => {
      const request = createRequest(answers(overrides));
      const envelope = await sealRequest(request, recipient);
      expect(await openEnvelope(JSON.parse(JSON.stringify(envelope)), ring)).toEqual(request);
    });
  }

  it('produces an envelope with exactly v, kid, enc (65 bytes) and ct (16,400 bytes)', async () => {
    const envelope = await sealRequest(createRequest(answers()), recipient);
    expect(Object.keys(envelope).sort()).toEqual(['ct', 'enc', 'kid', 'v']);
    expect(envelope.v).toBe(1);
    expect(envelope.kid).toBe(recipient.kid);
    expect(base64urlDecode(envelope.enc)!.length).toBe(ENC_SIZE);
    expect(base64urlDecode(envelope.ct)!.length).toBe(CT_SIZE);
    expect(CT_SIZE).toBe(16_400);
  });

  it('gives every request the same ciphertext length, from empty to the largest allowed', async () => {
    const smallest = createRequest(
      answers({
        needs: [],
        language: '',
        message: '',
        contact: { method: 'i-call', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
      }),
    );
    const largest = worstCaseRequest();
    const lengths = new Set<number>();
    for (const request of [smallest, largest, createRequest(answers())]) {
      const envelope = await sealRequest(request, recipient);
      lengths.add(envelope.ct.length);
      lengths.add(envelope.enc.length * 1000);
    }
    expect(lengths).toEqual(new Set([base64urlLength(CT_SIZE), base64urlLength(ENC_SIZE) * 1000]));
  });

  it('fits the worst case: every free-text field at its maximum in 3-byte script, every need', () => {
    const measured = measureRequest(worstCaseRequest());
    expect(measured.fits).toBe(true);
    // Document the margin: the worst case uses well under the 16,380 bytes.
    expect(measured.jsonBytes).toBeLessThan(MAX_JSON_BYTES);
    expect(measured.jsonBytes).toBeGreaterThan(3 * MESSAGE_MAX_LENGTH);
  });

  it('refuses a message one character over the limit before encrypting (bad_request, field named)', async () => {
    const request = { ...createRequest(answers()), message: 'a'.repeat(MESSAGE_MAX_LENGTH + 1) };
    const error = await sealRequest(request, recipient).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvelopeError);
    expect((error as EnvelopeError).code).toBe('bad_request');
    expect((error as EnvelopeError).fields).toEqual(['message']);
  });

  it('refuses to seal to a key whose kid does not match it', async () => {
    await expectEnvelopeError(sealRequest(createRequest(answers()), { kid: other.kid, publicKey: recipient.publicKey }), 'bad_key');
  });

  it('refuses a public key that is not a P-256 point', async () => {
    const bytes = base64urlDecode(recipient.publicKey)!;
    bytes[64]! ^= 0x01;
    await expectEnvelopeError(importPublicKey(bytes), 'bad_key');
    await expectEnvelopeError(importPublicKey(bytes.subarray(0, 33)), 'bad_key');
  });

  it('rejects a tampered ct, a tampered enc and a kid swapped to another known key', async () => {
    const envelope = await sealRequest(createRequest(answers()), recipient);
    const ct = base64urlDecode(envelope.ct)!;
    ct[100]! ^= 0x80;
    await expectEnvelopeError(openEnvelope({ ...envelope, ct: base64urlEncode(ct) }, ring), 'decrypt_failed');
    const enc = base64urlDecode(envelope.enc)!;
    enc[10]! ^= 0x01;
    await expectEnvelopeError(openEnvelope({ ...envelope, enc: base64urlEncode(enc) }, ring), 'decrypt_failed');
    await expectEnvelopeError(openEnvelope({ ...envelope, kid: other.kid }, ring), 'decrypt_failed');
    // Untouched, it still opens: the failures above come from the tampering.
    await expect(openEnvelope(envelope, ring)).resolves.toMatchObject({ v: 1 });
  });

  it('rejects a kid it has no key for with unknown_kid', async () => {
    const envelope = await sealRequest(createRequest(answers()), recipient);
    await expectEnvelopeError(openEnvelope(envelope, keyRing([])), 'unknown_kid');
  });

  it('rejects wrong lengths, padding characters, extra fields and other versions with bad_envelope', async () => {
    const envelope = await sealRequest(createRequest(answers()), recipient);
    const ct = base64urlDecode(envelope.ct)!;
    const enc = base64urlDecode(envelope.enc)!;
    const broken: unknown[] = [
      { ...envelope, ct: base64urlEncode(ct.subarray(1)) },
      { ...envelope, ct: base64urlEncode(new Uint8Array([...ct, 0])) },
      { ...envelope, enc: base64urlEncode(enc.subarray(1)) },
      { ...envelope, kid: base64urlEncode(base64urlDecode(envelope.kid)!.subarray(1)) },
      { ...envelope, kid: `${envelope.kid}==` },
      { ...envelope, v: 2 },
      { ...envelope, extra: 'x' },
      { kid: envelope.kid, enc: envelope.enc, ct: envelope.ct },
      null,
      'envelope',
    ];
    for (const input of broken) {
      expect(() => parseEnvelope(input)).toThrow(expect.objectContaining({ code: 'bad_envelope' }));
      await expectEnvelopeError(openEnvelope(input, ring), 'bad_envelope');
    }
  });

  /** Encrypts chosen plaintext bytes exactly as sealRequest would, to test what the recipient does with them. */
  async function sealRaw(plaintext: Uint8Array<ArrayBuffer>): Promise<Envelope> {
    const sealed = await contactSuite.seal(
      { recipientPublicKey: await importPublicKey(recipient.publicKey), info: new TextEncoder().encode(HPKE_INFO) },
      plaintext,
      aadForKid(recipient.kid),
    );
    return {
      v: 1,
      kid: recipient.kid,
      enc: base64urlEncode(new Uint8Array(sealed.enc)),
      ct: base64urlEncode(new Uint8Array(sealed.ct)),
    };
  }

  it('rejects correctly encrypted plaintext with bad padding (bad_padding)', async () => {
    const padded = padPlaintext(new TextEncoder().encode(JSON.stringify(createRequest(answers()))));
    padded[PADDED_SIZE - 10] = 0xff;
    await expectEnvelopeError(openEnvelope(await sealRaw(padded), ring), 'bad_padding');
    const lying = padPlaintext(new TextEncoder().encode('{}'));
    new DataView(lying.buffer).setUint32(0, PADDED_SIZE);
    await expectEnvelopeError(openEnvelope(await sealRaw(lying), ring), 'bad_padding');
  });

  it('rejects correctly encrypted and padded plaintext that is not a valid request (bad_request)', async () => {
    await expectEnvelopeError(openEnvelope(await sealRaw(padPlaintext(new TextEncoder().encode('not json'))), ring), 'bad_request');
    const invalid = { ...createRequest(answers()), role: 'boss' };
    await expectEnvelopeError(
      openEnvelope(await sealRaw(padPlaintext(new TextEncoder().encode(JSON.stringify(invalid)))), ring),
      'bad_request',
    );
    const withExtra = { ...createRequest(answers()), ip: '203.0.113.9' };
    await expectEnvelopeError(
      openEnvelope(await sealRaw(padPlaintext(new TextEncoder().encode(JSON.stringify(withExtra)))), ring),
      'bad_request',
    );
  });

  it('binds the ciphertext to the aad "v1." + kid', async () => {
    expect(new TextDecoder().decode(aadForKid('abc'))).toBe('v1.abc');
    const padded = padPlaintext(new TextEncoder().encode(JSON.stringify(createRequest(answers()))));
    const sealed = await contactSuite.seal(
      { recipientPublicKey: await importPublicKey(recipient.publicKey), info: new TextEncoder().encode(HPKE_INFO) },
      padded,
      new TextEncoder().encode(`v2.${recipient.kid}`),
    );
    const envelope = {
      v: 1,
      kid: recipient.kid,
      enc: base64urlEncode(new Uint8Array(sealed.enc)),
      ct: base64urlEncode(new Uint8Array(sealed.ct)),
    };
    await expectEnvelopeError(openEnvelope(envelope, ring), 'decrypt_failed');
  });
});

/** The largest request a person can write (worst-case-answers.ts). */
function worstCaseRequest(): ContactRequest {
  return createRequest(worstCaseAnswers());
}

describe('worked example in WIRE-FORMAT.md (tests/fixtures/utvag-wire-v1-example.json)', () => {
  const example = JSON.parse(readFileSync(new URL('../fixtures/utvag-wire-v1-example.json', import.meta.url), 'utf8')) as {
    recipientPrivateKeyJwk: unknown;
    recipientPublicKey: string;
    kid: string;
    ikmE: string;
    requestJson: string;
    envelope: Envelope;
  };

  it('opens to exactly the documented request JSON', async () => {
    const key = await importPrivateKey(example.recipientPrivateKeyJwk);
    expect(key.kid).toBe(example.kid);
    expect(await computeKid(base64urlDecode(example.recipientPublicKey)!)).toBe(example.kid);
    const request = await openEnvelope(example.envelope, keyRing([key]));
    expect(JSON.stringify(request)).toBe(example.requestJson);
  });

  it('is reproduced byte for byte from its inputs (a regression guard for the wire format)', async () => {
    const sender = await contactSuite.createSenderContext({
      recipientPublicKey: await importPublicKey(example.recipientPublicKey),
      info: new TextEncoder().encode(HPKE_INFO),
      ekm: hex(example.ikmE),
    });
    const ct = new Uint8Array(await sender.seal(padPlaintext(new TextEncoder().encode(example.requestJson)), aadForKid(example.kid)));
    expect(base64urlEncode(new Uint8Array(sender.enc))).toBe(example.envelope.enc);
    expect(base64urlEncode(ct)).toBe(example.envelope.ct);
  });
});
