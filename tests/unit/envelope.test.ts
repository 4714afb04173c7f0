import { readFileSync } from 'node:fs';
import { describe, expect, it, beforeAll } from 'vitest';
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
  importPrivateKey,
  importPublicKey,
  keyRing,
  MAX_JSON_BYTES,
  measureRequest,
  openEnvelope,
  padPlaintext,
  PADDED_SIZE,
  parseEnvelope,
  sealRequest,
  SUITE_IDS,
  unpadPlaintext,
  type Envelope,
  type PrivateKeyRing,
  type RecipientPrivateKey,
} from '../../src/contact/envelope.ts';
import {
  createRequest,
  LANGUAGE_MAX_LENGTH,
  MESSAGE_MAX_LENGTH,
  needs,
  SAFE_TIMES_MAX_LENGTH,
  type ContactRequest,
  type ContactRequestInput,
} from '../../src/contact/request.ts';

const hex = (text: string) => new Uint8Array(text.match(/../g)!.map((pair) => parseInt(pair, 16)));
const toHex = (bytes: ArrayBuffer | Uint8Array) =>
  [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('');

interface Vector {
  mode: number;
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  info: string;
  seedR: string;
  seedE: string;
  skRm: string;
  skEm: string;
  pkRm: string;
  pkEm: string;
  enc: string;
  encryptions: { aad: string; ciphertext: string; nonce: string; plaintext: string }[];
  exports: { exportContext: string; exportLength: number; exportValue: string }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/rfc9180-p256-aes256.json', import.meta.url), 'utf8'),
) as { vector: Vector };
const vector = fixture.vector;

describe('RFC 9180 test vector: base mode, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM', () => {
  it('is the suite the envelope module uses', () => {
    expect([vector.mode, vector.kem_id, vector.kdf_id, vector.aead_id]).toEqual([
      SUITE_IDS.mode,
      SUITE_IDS.kem,
      SUITE_IDS.kdf,
      SUITE_IDS.aead,
    ]);
    expect(contactSuite.kem.id).toBe(0x0010);
    expect(contactSuite.kdf.id).toBe(0x0001);
    expect(contactSuite.aead.id).toBe(0x0002);
  });

  it('derives the recipient and ephemeral key pairs from their seeds', async () => {
    const recipient = await contactSuite.kem.deriveKeyPair(hex(vector.seedR));
    expect(toHex(await contactSuite.kem.serializePrivateKey(recipient.privateKey))).toBe(vector.skRm);
    expect(toHex(await contactSuite.kem.serializePublicKey(recipient.publicKey))).toBe(vector.pkRm);
    const ephemeral = await contactSuite.kem.deriveKeyPair(hex(vector.seedE));
    expect(toHex(await contactSuite.kem.serializePublicKey(ephemeral.publicKey))).toBe(vector.pkEm);
  });

  it('seals to exactly the published enc and ciphertexts (sequence numbers 0–9)', async () => {
    const sender = await contactSuite.createSenderContext({
      recipientPublicKey: await contactSuite.kem.deserializePublicKey(hex(vector.pkRm)),
      info: hex(vector.info),
      ekm: hex(vector.seedE), // fixed ephemeral key: test vectors only
    });
    expect(toHex(sender.enc)).toBe(vector.enc);
    for (const encryption of vector.encryptions) {
      expect(toHex(await sender.seal(hex(encryption.plaintext), hex(encryption.aad)))).toBe(encryption.ciphertext);
    }
  });

  it('opens the published ciphertexts and reproduces the exported secrets', async () => {
    const recipient = await contactSuite.createRecipientContext({
      recipientKey: await contactSuite.kem.deserializePrivateKey(hex(vector.skRm)),
      enc: hex(vector.enc),
      info: hex(vector.info),
    });
    for (const encryption of vector.encryptions) {
      expect(toHex(await recipient.open(hex(encryption.ciphertext), hex(encryption.aad)))).toBe(encryption.plaintext);
    }
    for (const exported of vector.exports) {
      expect(toHex(await recipient.export(hex(exported.exportContext), exported.exportLength))).toBe(
        exported.exportValue,
      );
    }
  });

  it('rejects a published ciphertext with one bit flipped', async () => {
    const recipient = await contactSuite.createRecipientContext({
      recipientKey: await contactSuite.kem.deserializePrivateKey(hex(vector.skRm)),
      enc: hex(vector.enc),
      info: hex(vector.info),
    });
    const first = vector.encryptions[0]!;
    const tampered = hex(first.ciphertext);
    tampered[3]! ^= 0x01;
    await expect(recipient.open(tampered, hex(first.aad))).rejects.toThrow();
  });
});

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
    expect(() => padPlaintext(new Uint8Array(MAX_JSON_BYTES + 1))).toThrow(
      expect.objectContaining({ code: 'too_large' }),
    );
  });

  it('refuses a nonzero padding byte, a length past the end and a wrong total size', () => {
    const padded = padPlaintext(new TextEncoder().encode('{}'));
    padded[PADDED_SIZE - 1] = 1;
    expect(() => unpadPlaintext(padded)).toThrow(expect.objectContaining({ code: 'bad_padding' }));
    const tooLong = new Uint8Array(PADDED_SIZE);
    new DataView(tooLong.buffer).setUint32(0, MAX_JSON_BYTES + 1);
    expect(() => unpadPlaintext(tooLong)).toThrow(expect.objectContaining({ code: 'bad_padding' }));
    expect(() => unpadPlaintext(new Uint8Array(PADDED_SIZE - 1))).toThrow(
      expect.objectContaining({ code: 'bad_padding' }),
    );
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
      answers({ needs: [], language: '', message: '', contact: { method: 'i-call', safeTimes: '', voicemailOk: false, mayNameSocialServices: false } }),
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
    const envelope = { v: 1, kid: recipient.kid, enc: base64urlEncode(new Uint8Array(sealed.enc)), ct: base64urlEncode(new Uint8Array(sealed.ct)) };
    await expectEnvelopeError(openEnvelope(envelope, ring), 'decrypt_failed');
  });
});

/** Every free-text field at its maximum in Ge'ez script (3 UTF-8 bytes per character), every need. */
function worstCaseRequest(): ContactRequest {
  const request = createRequest(
    answers({
      municipality: `m${'-'.repeat(63)}`,
      needs: [...needs],
      language: 'ቀ'.repeat(LANGUAGE_MAX_LENGTH),
      message: 'ቀ'.repeat(MESSAGE_MAX_LENGTH),
      contact: {
        method: 'call',
        phone: '+46 (70) 123-45-67-89'.padEnd(32, ' '),
        safeTimes: 'ቀ'.repeat(SAFE_TIMES_MAX_LENGTH),
        voicemailOk: true,
        mayNameSocialServices: true,
      },
      interpreter: true,
    }),
  );
  return request;
}
