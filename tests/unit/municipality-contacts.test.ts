/**
 * The municipality contacts data (src/help-directory/municipality-contacts.ts): what is
 * shown and what is held back, how numbers are written, where they were read.
 */
import { describe, expect, it } from 'vitest';
import raw from '../../content/municipalities/municipality-contacts.json' with { type: 'json' };
import { CONTACT_KINDS, contactCounts, contactsFor, loadContacts, phoneFromData, siteLabel } from '../../src/help-directory/municipality-contacts.ts';
import { sharedShortAddresses } from '../../protocol/municipalities.ts';

type RawRoute = { number: string; doubtful: boolean } | null;
const entries = raw.municipalities as unknown as ({ id: string; website: string | null } & Record<string, RawRoute | string | null>)[];

describe('municipality contacts', () => {
  it('has all 290 municipalities, and never shows a number the data marks doubtful', () => {
    expect(loadContacts().size).toBe(290);
    for (const entry of entries) {
      const shown = contactsFor(entry.id).routes.map((r) => r.number.tel);
      const trusted = CONTACT_KINDS.flatMap((k) => {
        const route = entry[k] as RawRoute;
        return route && !route.doubtful ? [phoneFromData(route.number).tel] : [];
      });
      for (const kind of CONTACT_KINDS) {
        const route = entry[kind] as RawRoute;
        if (route?.doubtful && !trusted.includes(phoneFromData(route.number).tel)) expect(shown, `${entry.id} ${kind}`).not.toContain(phoneFromData(route.number).tel);
      }
      expect(new Set(shown)).toEqual(new Set(trusted));
    }
  });

  it('counts what is shown and held back from the file itself', () => {
    let doubtful = 0;
    let trustedUnique = 0;
    for (const entry of entries) {
      const tels = new Set<string>();
      for (const kind of CONTACT_KINDS) {
        const route = entry[kind] as RawRoute;
        if (!route) continue;
        if (route.doubtful) doubtful += 1;
        else tels.add(phoneFromData(route.number).tel);
      }
      trustedUnique += tels.size;
    }
    const counts = contactCounts();
    expect(counts.heldBack).toBe(doubtful);
    expect(counts.shown).toBe(trustedUnique);
    expect(counts.websites).toBe(entries.filter((e) => e.website).length);
    expect(Object.values(counts.byKind).reduce((a, b) => a + b, 0)).toBe(counts.shown);
  });

  it('writes numbers the Swedish way, with a dialable tel: form', () => {
    expect(phoneFromData('0980\u2011703 61')).toEqual({ display: '0980-703 61', tel: '+4698070361' });
    expect(phoneFromData('019- 21 41 05')).toEqual({ display: '019-21 41 05', tel: '+4619214105' });
    expect(phoneFromData('0580 - 805 00')).toEqual({ display: '0580-805 00', tel: '+4658080500' });
    expect(phoneFromData('112')).toEqual({ display: '112', tel: '112' });
  });

  it('says where each number was read: the municipality own site, or another named site', () => {
    expect(siteLabel('https://www.orebro.se/x')).toBe('orebro.se');
    expect(siteLabel('https://xn--gullspng-f0a.se/')).toBe('gullspång.se');
    const kiruna = contactsFor('kiruna');
    expect(kiruna.website?.label).toBe('kiruna.se');
    expect(kiruna.routes).toEqual([expect.objectContaining({ kind: 'socialjour', viaEmergency: true, ownSite: true })]);
    expect(kiruna.heldBack).toBe(1);
    // Bjurholm's after-hours line is Umeå's joint socialjour, read on umea.se.
    expect(contactsFor('bjurholm').routes.find((r) => r.kind === 'socialjour')).toMatchObject({ sourceSite: 'umea.se', ownSite: false });
    // Habo (Jönköpings län): no official site found, nothing guessed.
    expect(contactsFor('habo-jonkoping')).toEqual({ id: 'habo-jonkoping', routes: [], heldBack: 0 });
  });

  it('gives Habo and Håbo a shared short address that asks which one is meant (T3-28)', () => {
    const habo = sharedShortAddresses().find((s) => s.address === 'habo');
    expect(habo?.municipalities.map((m) => m.id).sort()).toEqual(['habo-jonkoping', 'habo-uppsala']);
    expect(sharedShortAddresses().map((s) => s.address)).not.toContain('stockholm');
  });
});
