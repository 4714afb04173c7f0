import { beforeAll, describe, expect, it } from 'vitest';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { chooseKey, servingRecipient, validKids, verifyKeySetKids } from '../../protocol/key-choice.ts';
import { isKeyValid } from '../../protocol/key-dates.ts';
import { keySetSchema, type KeySet, type KeySetEntry } from '../../protocol/key-set.ts';

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
    stockholm = await entry('stockholm-region', '2027-01-31');
    stockholmExpired = await entry('stockholm-region', '2026-01-31');
    keySet = keySetSchema.parse({
      v: 2,
      keys: [malmoExpired, malmoNew, malmoOld, stockholmExpired, stockholm],
      recipients,
      statements: [],
    });
  });
  /** Malmö's own intake; a regional one serving Stockholm and Solna. Nobody takes "unknown". */
  const recipients = [
    { id: 'malmo', serves: ['malmo'] },
    { id: 'stockholm-region', serves: ['stockholm', 'solna'] },
  ];

  it('chooses the newest valid key of the recipient that serves the municipality', () => {
    expect(chooseKey(keySet, 'malmo', now)).toEqual(malmoNew);
    expect(chooseKey(keySet, 'solna', now)).toEqual(stockholm);
    expect(servingRecipient(keySet, 'solna')?.id).toBe('stockholm-region');
  });

  it('has no default: a municipality nobody serves, or "unknown", gets no key', () => {
    expect(chooseKey(keySet, 'kiruna', now)).toBeNull();
    expect(servingRecipient(keySet, 'kiruna')).toBeNull();
    expect(chooseKey(keySet, 'unknown', now)).toBeNull();
    const withUnknown = keySetSchema.parse({
      ...keySet,
      recipients: [recipients[0], { id: 'stockholm-region', serves: ['stockholm', 'unknown'] }],
    });
    expect(chooseKey(withUnknown, 'unknown', now)).toEqual(stockholm);
  });

  it('never chooses an expired key, and returns null when nothing valid is left', () => {
    const onlyExpired = keySetSchema.parse({ v: 2, keys: [malmoExpired, stockholmExpired], recipients, statements: [] });
    expect(chooseKey(onlyExpired, 'malmo', now)).toBeNull();
    const late = new Date('2027-07-01T00:00:00Z');
    expect(chooseKey(keySet, 'malmo', late)).toBeNull();
  });

  it('treats notAfter as the last valid day (UTC)', () => {
    expect(isKeyValid({ notAfter: '2026-06-15' }, new Date('2026-06-15T23:59:59Z'))).toBe(true);
    expect(isKeyValid({ notAfter: '2026-06-15' }, new Date('2026-06-16T00:00:00Z'))).toBe(false);
  });

  it('does not fall back to another recipient when the serving one only has expired keys', () => {
    const set = keySetSchema.parse({ v: 2, keys: [malmoExpired, stockholm], recipients, statements: [] });
    expect(servingRecipient(set, 'malmo')?.id).toBe('malmo');
    expect(chooseKey(set, 'malmo', now)).toBeNull();
  });

  it('lists only unexpired kids as acceptable', () => {
    expect(validKids(keySet, now)).toEqual(new Set([malmoNew.kid, malmoOld.kid, stockholm.kid]));
  });

  it('rejects malformed key sets: extra fields, bad lengths, bad dates, duplicate kids, other versions', () => {
    const good = { v: 2, keys: [malmoNew], recipients: [{ id: 'malmo', serves: ['malmo'] }], statements: [] };
    expect(keySetSchema.safeParse(good).success).toBe(true);
    for (const bad of [
      { ...good, v: 1 },
      { v: 2, keys: [malmoNew], recipients: [{ id: 'malmo', serves: ['malmo'] }] },
      { ...good, statements: [{ v: 1 }] },
      { ...good, recipients: [{ id: 'malmo', serves: ['malmo'], identity: 'short' }] },
      { ...good, extra: true },
      { ...good, keys: [{ ...malmoNew, privateKey: 'x' }] },
      { ...good, keys: [{ ...malmoNew, publicKey: malmoNew.publicKey.slice(0, -2) }] },
      { ...good, keys: [{ ...malmoNew, kid: malmoNew.kid.slice(1) }] },
      { ...good, keys: [{ ...malmoNew, notAfter: '2026-02-30' }] },
      { ...good, keys: [{ ...malmoNew, notAfter: '2026-06-30T00:00:00Z' }] },
      { ...good, keys: [{ ...malmoNew, recipient: 'Malmö' }] },
      { ...good, keys: [malmoNew, { ...malmoOld, kid: malmoNew.kid }] },
      { v: 1, keys: [malmoNew] },
      {
        ...good,
        recipients: [
          { id: 'malmo', serves: ['malmo'] },
          { id: 'region', serves: ['malmo'] },
        ],
      },
      { ...good, recipients: [{ id: 'malmo', serves: ['Malmö'] }] },
    ]) {
      expect(keySetSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('finds a kid that is not the hash of its public key', async () => {
    expect(await verifyKeySetKids(keySet)).toEqual([]);
    const swapped = keySetSchema.parse({ v: 2, keys: [{ ...malmoNew, kid: malmoOld.kid }], recipients, statements: [] });
    expect(await verifyKeySetKids(swapped)).toHaveLength(1);
  });
});
