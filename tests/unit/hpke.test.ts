import { readFileSync } from 'node:fs';
import { CipherSuite, DhkemP256HkdfSha256, HkdfSha256, Aes256Gcm } from '@hpke/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { p256Aes256Suite as ours, HpkeError } from '../../protocol/hpke/index.ts';
import { AeadContext, AES_128_GCM, keySchedule, MODE_AUTH, MODE_BASE } from '../../protocol/hpke/context.ts';
import { decap, encap, deserializePublicKey, KEM_SUITE_ID, serializePublicKey } from '../../protocol/hpke/dhkem.ts';
import { deriveKeyPair, deriveScalar, keyPairFromScalar } from '../../protocol/hpke/derive-key-pair.ts';
import { hpkeSuiteId, labeledExpand, labeledExtract } from '../../protocol/hpke/labeled-hkdf.ts';

const hex = (text: string) => new Uint8Array((text.match(/../g) ?? []).map((pair) => parseInt(pair, 16)));
const toHex = (bytes: ArrayBuffer | Uint8Array) => [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('');

interface Vector {
  mode: number;
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  info: string;
  ikmE: string;
  pkEm: string;
  skEm: string;
  ikmR: string;
  pkRm: string;
  skRm: string;
  ikmS?: string;
  pkSm?: string;
  skSm?: string;
  enc: string;
  shared_secret: string;
  key_schedule_context: string;
  secret: string;
  key: string;
  base_nonce: string;
  exporter_secret: string;
  encryptions: { seq: number; aad: string; nonce: string; plaintext: string; ciphertext: string }[];
  exports: { exportContext: string; exportLength: number; exportValue: string }[];
}
const vectors = JSON.parse(readFileSync(new URL('../fixtures/rfc9180-a3-p256-sha256-aes128.json', import.meta.url), 'utf8')) as { a31: Vector; a33: Vector };

// The same suite from @hpke/core, kept as a devDependency for these cross-tests only.
const theirs = new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

describe('RFC 9180 Appendix A.3 through protocol/hpke/', () => {
  for (const [name, v] of [['A.3.1 mode_base', vectors.a31], ['A.3.3 mode_auth', vectors.a33]] as const) {
    it(`${name}: DeriveKeyPair gives the published key pairs`, async () => {
      const pairs: [string, string, string][] = [[v.ikmE, v.skEm, v.pkEm], [v.ikmR, v.skRm, v.pkRm]];
      if (v.ikmS) pairs.push([v.ikmS, v.skSm!, v.pkSm!]);
      for (const [ikm, sk, pk] of pairs) {
        expect(toHex(await deriveScalar(hex(ikm)))).toBe(sk);
        const pair = await deriveKeyPair(hex(ikm));
        expect(toHex(await serializePublicKey(pair.publicKey))).toBe(pk);
        expect(pair.privateKey.extractable).toBe(false);
      }
    });

    it(`${name}: Encap, Decap, the key schedule, every encryption and export`, async () => {
      expect([v.kem_id, v.kdf_id, v.aead_id]).toEqual([16, 1, 1]);
      const recipient = await keyPairFromScalar(hex(v.skRm));
      const sender = v.skSm ? await keyPairFromScalar(hex(v.skSm)) : undefined;
      const { sharedSecret, enc } = await encap(await deserializePublicKey(hex(v.pkRm)), await deriveKeyPair(hex(v.ikmE)), sender);
      expect(toHex(enc)).toBe(v.enc);
      expect(toHex(sharedSecret)).toBe(v.shared_secret);
      const senderPublic = sender ? await deserializePublicKey(hex(v.pkSm!)) : undefined;
      expect(toHex(await decap(hex(v.enc), recipient, senderPublic))).toBe(v.shared_secret);
      // A bare private key: its public point is remembered from the import.
      expect(toHex(await decap(hex(v.enc), recipient.privateKey, senderPublic))).toBe(v.shared_secret);

      const mode = v.mode === 2 ? MODE_AUTH : MODE_BASE;
      expect(v.mode).toBe(mode);
      const schedule = await keySchedule(mode, hex(v.shared_secret), hex(v.info), AES_128_GCM);
      expect(toHex(schedule.context)).toBe(v.key_schedule_context);
      expect(toHex(schedule.secret)).toBe(v.secret);
      expect(toHex(schedule.key)).toBe(v.key);
      expect(toHex(schedule.baseNonce)).toBe(v.base_nonce);
      expect(toHex(schedule.exporterSecret)).toBe(v.exporter_secret);
      for (const exported of v.exports) {
        const value = await labeledExpand(hpkeSuiteId(16, 1, 1), schedule.exporterSecret, 'sec', hex(exported.exportContext), exported.exportLength);
        expect(toHex(value)).toBe(exported.exportValue);
      }

      const sealer = await AeadContext.create(await keySchedule(mode, hex(v.shared_secret), hex(v.info), AES_128_GCM));
      const opener = await AeadContext.create(await keySchedule(mode, hex(v.shared_secret), hex(v.info), AES_128_GCM));
      const bySeq = new Map(v.encryptions.map((encryption) => [encryption.seq, encryption]));
      const last = Math.max(...bySeq.keys());
      for (let seq = 0; seq <= last; seq++) {
        const encryption = bySeq.get(seq);
        const plaintext = hex(encryption?.plaintext ?? v.encryptions[0]!.plaintext);
        const aad = hex(encryption?.aad ?? '');
        const ct = await sealer.seal(plaintext, aad);
        if (encryption) expect(toHex(ct)).toBe(encryption.ciphertext);
        if (encryption) {
          // A failed open leaves the sequence number where it was (§5.2).
          await expect(opener.open(new Uint8Array(ct), hex('00'))).rejects.toMatchObject({ code: 'open_failed' });
        }
        expect(toHex(await opener.open(new Uint8Array(ct), aad))).toBe(toHex(plaintext));
      }
    });
  }

  it('LabeledExtract and LabeledExpand follow §4 for the KEM suite_id "KEM" || 0x0010', async () => {
    expect(toHex(KEM_SUITE_ID)).toBe('4b454d0010');
    expect(toHex(hpkeSuiteId(16, 1, 2))).toBe('48504b45001000010002');
    // dkp_prk of A.3.1's ikmR, then candidate 0 is skRm (bitmask 0xff changes nothing).
    const prk = await labeledExtract(KEM_SUITE_ID, new Uint8Array(0), 'dkp_prk', hex(vectors.a31.ikmR));
    expect(toHex(await labeledExpand(KEM_SUITE_ID, prk, 'candidate', new Uint8Array([0]), 32))).toBe(vectors.a31.skRm);
    // Longer than one HMAC block: the first 32 bytes of a 64-byte expansion differ (L is in the label).
    const long = await labeledExpand(KEM_SUITE_ID, prk, 'candidate', new Uint8Array([0]), 64);
    expect(long.length).toBe(64);
    expect(toHex(long.subarray(0, 32))).not.toBe(vectors.a31.skRm);
  });
});

describe('protocol/hpke/ and @hpke/core agree on DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM', () => {
  const message = fc.record({
    plaintext: fc.uint8Array({ maxLength: 600 }),
    aad: fc.uint8Array({ maxLength: 64 }),
    info: fc.uint8Array({ maxLength: 64 }),
  });
  const bytes = (array: Uint8Array) => new Uint8Array(array);

  it('derives the same key pairs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 64 }), async (ikm) => {
        const mine = await ours.kem.deriveKeyPair(ikm);
        const other = await theirs.kem.deriveKeyPair(bytes(ikm).buffer);
        expect(toHex(await ours.kem.serializePublicKey(mine.publicKey))).toBe(toHex(await theirs.kem.serializePublicKey(other.publicKey)));
      }),
      { numRuns: 20 },
    );
  });

  it('base mode: sealed by ours opens with @hpke/core, and the other way', async () => {
    const recipient = await theirs.kem.generateKeyPair();
    const raw = new Uint8Array(await theirs.kem.serializePublicKey(recipient.publicKey));
    const jwk = await crypto.subtle.exportKey('jwk', recipient.privateKey);
    const ourPrivate = await ours.kem.importKey('jwk', jwk, false);
    expect(ourPrivate.extractable).toBe(false);
    await fc.assert(
      fc.asyncProperty(message, async ({ plaintext, aad, info }) => {
        const sealed = await ours.seal({ recipientPublicKey: await ours.kem.deserializePublicKey(raw), info: bytes(info) }, bytes(plaintext), bytes(aad));
        expect(sealed.enc.length).toBe(65);
        expect(sealed.ct.byteLength).toBe(plaintext.length + 16);
        const opened = await theirs.open({ recipientKey: recipient, enc: sealed.enc.buffer, info: bytes(info).buffer }, sealed.ct, bytes(aad).buffer);
        expect(toHex(opened)).toBe(toHex(plaintext));

        const back = await theirs.seal({ recipientPublicKey: recipient.publicKey, info: bytes(info).buffer }, bytes(plaintext).buffer, bytes(aad).buffer);
        const mine = await ours.open({ recipientKey: ourPrivate, enc: new Uint8Array(back.enc), info: bytes(info) }, new Uint8Array(back.ct), bytes(aad));
        expect(toHex(mine)).toBe(toHex(plaintext));
      }),
      { numRuns: 25 },
    );
  });

  it('auth mode: sealed by ours opens with @hpke/core, and the other way; another sender is refused', async () => {
    const recipient = await ours.kem.deriveKeyPair(crypto.getRandomValues(new Uint8Array(32)));
    const recipientRaw = await ours.kem.serializePublicKey(recipient.publicKey);
    const theirRecipient = { privateKey: recipient.privateKey, publicKey: await theirs.kem.deserializePublicKey(recipientRaw.buffer) };
    const sender = await theirs.kem.generateKeyPair();
    const senderRaw = new Uint8Array(await theirs.kem.serializePublicKey(sender.publicKey));
    const ourSender = {
      privateKey: await ours.kem.importKey('jwk', await crypto.subtle.exportKey('jwk', sender.privateKey), false),
      publicKey: await ours.kem.deserializePublicKey(senderRaw),
    };
    const stranger = await ours.kem.deriveKeyPair(crypto.getRandomValues(new Uint8Array(32)));
    await fc.assert(
      fc.asyncProperty(message, async ({ plaintext, aad, info }) => {
        const sealed = await ours.seal(
          { recipientPublicKey: await ours.kem.deserializePublicKey(recipientRaw), senderKey: ourSender, info: bytes(info) },
          bytes(plaintext),
          bytes(aad),
        );
        const opened = await theirs.open(
          { recipientKey: theirRecipient, senderPublicKey: sender.publicKey, enc: sealed.enc.buffer, info: bytes(info).buffer },
          sealed.ct,
          bytes(aad).buffer,
        );
        expect(toHex(opened)).toBe(toHex(plaintext));

        const back = await theirs.seal(
          { recipientPublicKey: theirRecipient.publicKey, senderKey: sender, info: bytes(info).buffer },
          bytes(plaintext).buffer,
          bytes(aad).buffer,
        );
        const params = { recipientKey: recipient, enc: new Uint8Array(back.enc), info: bytes(info) };
        const mine = await ours.open({ ...params, senderPublicKey: ourSender.publicKey }, new Uint8Array(back.ct), bytes(aad));
        expect(toHex(mine)).toBe(toHex(plaintext));
        await expect(ours.open({ ...params, senderPublicKey: stranger.publicKey }, new Uint8Array(back.ct), bytes(aad))).rejects.toMatchObject({ code: 'open_failed' });
        await expect(ours.open(params, new Uint8Array(back.ct), bytes(aad))).rejects.toMatchObject({ code: 'open_failed' });
      }),
      { numRuns: 25 },
    );
  });
});

describe('protocol/hpke/ errors', () => {
  it('names what is wrong, and never opens what was changed', async () => {
    const recipient = await ours.kem.deriveKeyPair(new Uint8Array(32).fill(7));
    const sealed = await ours.seal({ recipientPublicKey: recipient.publicKey, info: new Uint8Array(0) }, new Uint8Array(100), new Uint8Array(0));
    const ct = new Uint8Array(sealed.ct);
    ct[0]! ^= 1;
    await expect(ours.open({ recipientKey: recipient, enc: sealed.enc, info: new Uint8Array(0) }, ct)).rejects.toMatchObject({ code: 'open_failed' });
    const enc = sealed.enc.slice();
    enc[64]! ^= 1; // no longer on the curve
    await expect(ours.open({ recipientKey: recipient, enc, info: new Uint8Array(0) }, new Uint8Array(sealed.ct))).rejects.toMatchObject({ code: 'bad_public_key' });
    await expect(ours.kem.deserializePublicKey(new Uint8Array(33))).rejects.toBeInstanceOf(HpkeError);
    await expect(ours.kem.deriveKeyPair(new Uint8Array(16))).rejects.toMatchObject({ code: 'bad_input' });
    // A non-extractable private key made elsewhere: its public half cannot be known.
    const foreign = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
    await expect(ours.open({ recipientKey: foreign.privateKey, enc: sealed.enc, info: new Uint8Array(0) }, new Uint8Array(sealed.ct))).rejects.toMatchObject({ code: 'bad_private_key' });
    await expect(ours.kem.importKey('jwk', { kty: 'EC', crv: 'P-384', x: 'AA', y: 'AA', d: 'AA' }, false)).rejects.toMatchObject({ code: 'bad_private_key' });
  });
});
