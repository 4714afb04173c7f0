import { beforeAll, describe, expect, it } from 'vitest';
import { generateRecipientKeyPair } from '../../src/contact/envelope.ts';
import {
  chooseKey,
  isKeyValid,
  keySetSchema,
  REGIONAL_DEFAULT_RECIPIENT,
  validKids,
  verifyKeySetKids,
  type KeySet,
  type KeySetEntry,
} from '../../src/contact/key-set.ts';

async function entry(recipient: string, notAfter: string): Promise<KeySetEntry> {
  const pair = await generateRecipientKeyPair();
  return { kid: pair.kid, recipient, publicKey: pair.publicKey, notAfter };
}

describe('key set', () => {
  const now = new Date('2026-06-15T12:00:00Z');
  let malmoOld: KeySetEntry;
  let malmoNew: KeySetEntry;
  let malmoExpired: KeySetEntry;
  let stockholm: KeySetEntry;
  let stockholmExpired: KeySetEntry;
  let keySet: KeySet;

  beforeAll(async () => {
    malmoOld = await entry('malmo', '2026-09-30');
    malmoNew = await entry('malmo', '2027-06-30');
    malmoExpired = await entry('malmo', '2026-06-14');
    stockholm = await entry(REGIONAL_DEFAULT_RECIPIENT, '2027-01-31');
    stockholmExpired = await entry(REGIONAL_DEFAULT_RECIPIENT, '2026-01-31');
    keySet = keySetSchema.parse({ v: 1, keys: [malmoExpired, malmoNew, malmoOld, stockholmExpired, stockholm] });
  });

  it('chooses the newest valid key of the chosen municipality', () => {
    expect(chooseKey(keySet, 'malmo', now)).toEqual(malmoNew);
  });

  it('falls back to the regional default when the municipality has no key', () => {
    expect(chooseKey(keySet, 'kiruna', now)).toEqual(stockholm);
    expect(chooseKey(keySet, 'unknown', now)).toEqual(stockholm);
  });

  it('never chooses an expired key, and returns null when nothing valid is left', () => {
    const onlyExpired = keySetSchema.parse({ v: 1, keys: [malmoExpired, stockholmExpired] });
    expect(chooseKey(onlyExpired, 'malmo', now)).toBeNull();
    const late = new Date('2027-07-01T00:00:00Z');
    expect(chooseKey(keySet, 'malmo', late)).toBeNull();
  });

  it('treats notAfter as the last valid day (UTC)', () => {
    expect(isKeyValid({ notAfter: '2026-06-15' }, new Date('2026-06-15T23:59:59Z'))).toBe(true);
    expect(isKeyValid({ notAfter: '2026-06-15' }, new Date('2026-06-16T00:00:00Z'))).toBe(false);
  });

  it('falls back to the default when the municipality only has expired keys', () => {
    const set = keySetSchema.parse({ v: 1, keys: [malmoExpired, stockholm] });
    expect(chooseKey(set, 'malmo', now)).toEqual(stockholm);
  });

  it('lists only unexpired kids as acceptable', () => {
    expect(validKids(keySet, now)).toEqual(new Set([malmoNew.kid, malmoOld.kid, stockholm.kid]));
  });

  it('rejects malformed key sets: extra fields, bad lengths, bad dates, duplicate kids, other versions', () => {
    const good = { v: 1, keys: [malmoNew] };
    expect(keySetSchema.safeParse(good).success).toBe(true);
    for (const bad of [
      { ...good, v: 2 },
      { ...good, extra: true },
      { v: 1, keys: [{ ...malmoNew, privateKey: 'x' }] },
      { v: 1, keys: [{ ...malmoNew, publicKey: malmoNew.publicKey.slice(0, -2) }] },
      { v: 1, keys: [{ ...malmoNew, kid: malmoNew.kid.slice(1) }] },
      { v: 1, keys: [{ ...malmoNew, notAfter: '2026-02-30' }] },
      { v: 1, keys: [{ ...malmoNew, notAfter: '2026-06-30T00:00:00Z' }] },
      { v: 1, keys: [{ ...malmoNew, recipient: 'Malmö' }] },
      { v: 1, keys: [malmoNew, { ...malmoOld, kid: malmoNew.kid }] },
    ]) {
      expect(keySetSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('finds a kid that is not the hash of its public key', async () => {
    expect(await verifyKeySetKids(keySet)).toEqual([]);
    const swapped = keySetSchema.parse({ v: 1, keys: [{ ...malmoNew, kid: malmoOld.kid }] });
    expect(await verifyKeySetKids(swapped)).toHaveLength(1);
  });
});
