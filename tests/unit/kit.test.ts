import { describe, expect, it } from 'vitest';
import { kitArea, kitAreas, kitAreaSchema, kitPrintAreas, type KitArea } from '../../src/sharing/kit-areas.ts';
import { kitRoutes } from '../../src/sharing/kit-routes.ts';
import { textParts } from '../../src/sharing/kit-text.ts';
import { cardSheetSlug, discreetSlug, kitTargetSlug, posterSlug } from '../../src/sharing/kit-paths.ts';
import { useTranslations } from '../../src/i18n/translator.ts';
import { loadHelpDirectory } from '../../src/help-directory/schema.ts';
import { KEPT_MUNICIPALITY_IDS, municipalityIds } from '../../protocol/municipalities.ts';
import { socialAdviceLine } from '../../protocol/phone-numbers.ts';

const sample: KitArea = {
  id: 'exempelby',
  name: 'Exempelby kommun',
  county: 'Exempellän',
  policeRegion: 'Mitt',
  localRoutes: [{ name: 'Linjen', phone: { display: '08-508 25 600', tel: '+46850825600' } }, { name: 'Teamet' }, { name: 'Gruppen' }],
  contacts: [],
};

describe('kit data interface', () => {
  it('has one area per municipality of the data (all 290), each valid, in Swedish order', () => {
    const ids = kitAreas().map((a) => a.id);
    expect(ids).toHaveLength(290);
    expect([...ids].sort()).toEqual(municipalityIds().sort());
    for (const id of KEPT_MUNICIPALITY_IDS) expect(ids).toContain(id);
    for (const area of kitAreas()) expect(kitAreaSchema.parse(area)).toEqual(area);
    const names = kitAreas().map((a) => a.name);
    expect(names).toEqual([...names].sort(new Intl.Collator('sv').compare));
    expect(kitArea('botkyrka')).toMatchObject({ name: 'Botkyrka kommun', county: 'Stockholms län', policeRegion: 'Stockholm' });
    expect(kitArea('kiruna')).toMatchObject({ county: 'Norrbottens län', policeRegion: 'Nord', localRoutes: [], contactsSource: 'kiruna.se' });
    expect(() => kitArea('malmo-som-inte-finns')).toThrow(/No kit data/);
  });

  it('names the municipality that runs a unit, so Stockholm city\'s line is labelled as its own', () => {
    const line = kitArea('stockholm').localRoutes.find((r) => r.phone?.tel === socialAdviceLine.tel);
    expect(line?.name).toBe('Socialrådgivningen, Stockholms stad');
    // Malmö's card sends readers to the name they can ask for, Plattform Malmö, with whose it is.
    expect(kitArea('malmo').localRoutes).toEqual([{ name: 'Plattform Malmö, Malmö stad' }]);
    // No other area shows Stockholm city's number.
    const others = kitAreas().filter((a) => a.id !== 'stockholm' && a.localRoutes.some((r) => r.phone?.tel === socialAdviceLine.tel));
    expect(others.map((a) => a.id)).toEqual([]);
  });

  it('prints its own card and poster for exactly the municipalities with units (no recipient is connected in unit tests)', () => {
    const withUnits = new Set(loadHelpDirectory().units.flatMap((u) => [u.municipality, ...(u.partners ?? [])]));
    expect(kitPrintAreas().map((a) => a.id).sort()).toEqual([...withUnits].sort());
    expect(kitPrintAreas().map((a) => a.id)).not.toContain('kiruna');
    for (const id of KEPT_MUNICIPALITY_IDS) expect(kitPrintAreas().map((a) => a.id)).toContain(id);
  });

  it('names only places a person can ask for (T3-02): no police-led method, no programme, no unit known only by name', () => {
    const printed = kitPrintAreas().flatMap((a) => a.localRoutes.map((r) => r.name));
    for (const name of printed) expect(name).not.toMatch(/Sluta skjut|Trefas|Central avhopparverksamhet|Konsultationsteamet/);
    // Järfälla readers are no longer sent to Upplands-Bro's Sluta skjut.
    expect(kitArea('jarfalla').localRoutes).toEqual([]);
    expect(kitRoutes(kitArea('malmo'), 'poster')).toContainEqual({ kind: 'local-ask', names: ['Plattform Malmö, Malmö stad'] });
  });

  it("prints the municipality's own numbers from the contacts data, never a doubtful one", () => {
    const orebro = kitArea('orebro');
    // Örebro's intake (for everyone) on the card; its socialjour on the poster; the source under the routes.
    expect(kitRoutes(orebro, 'card')).toContainEqual(expect.objectContaining({ kind: 'social-services', phone: { display: '019-21 30 00', tel: '+4619213000' }, via: 'socialtjanst' }));
    expect(kitRoutes(orebro, 'card').map((r) => r.kind)).not.toContain('socialjour');
    expect(kitRoutes(orebro, 'poster')).toContainEqual({ kind: 'socialjour', phone: { display: '019-21 41 05', tel: '+4619214105' }, viaEmergency: false });
    expect(orebro.contactsSource).toBe('orebro.se');
    // Södertälje's intake is for children only: the card gives its switchboard.
    expect(kitRoutes(kitArea('sodertalje'), 'card')).toContainEqual(expect.objectContaining({ kind: 'social-services', via: 'switchboard' }));
    // Malmö's switchboard is in the data but doubtful: not printed.
    expect(kitArea('malmo').contacts).toEqual([]);
    expect(() => kitAreaSchema.parse({ ...sample, contacts: [{ kind: 'switchboard', phone: { display: '040-34 10 00', tel: '+4640341000' }, viaEmergency: false, forChildren: false }] })).toThrow(/verified/);
  });

  it('refuses a phone number that facts.md does not make publishable', () => {
    const bad = { ...sample, localRoutes: [{ name: 'Påhittad', phone: { display: '08-123 45 67', tel: '+4681234567' } }] };
    expect(() => kitAreaSchema.parse(bad)).toThrow(/verified/);
    expect(() => kitAreaSchema.parse({ ...sample, policeRegion: '' })).toThrow();
  });

  it('Sweden-wide: 112, social services, 114 14 with the defector coordination, BRIS; the poster adds 116 006', () => {
    expect(kitRoutes(undefined, 'card').map((r) => r.kind)).toEqual(['danger', 'social-services', 'police-defector', 'bris']);
    expect(kitRoutes(undefined, 'poster').map((r) => r.kind)).toEqual(['danger', 'social-services', 'police-defector', 'bris', 'victims']);
  });

  it('per municipality: its name, its police region, local numbers on the card, the rest on the poster only', () => {
    const card = kitRoutes(sample, 'card');
    expect(card.map((r) => r.kind)).toEqual(['danger', 'social-services', 'local-phone', 'police-defector', 'bris']);
    expect(card).toContainEqual({ kind: 'social-services', municipality: 'Exempelby kommun' });
    expect(card).toContainEqual(expect.objectContaining({ kind: 'police-defector', policeRegion: 'Mitt' }));
    const poster = kitRoutes(sample, 'poster');
    expect(poster).toContainEqual({ kind: 'local-ask', names: ['Teamet', 'Gruppen'] });
    expect(poster.at(-1)!.kind).toBe('victims');
  });

  it('slugs are the same shape in every language and lead where they should', () => {
    expect([cardSheetSlug(), cardSheetSlug('huddinge')]).toEqual(['material/kort', 'material/kort/huddinge']);
    expect([posterSlug(), posterSlug('huddinge')]).toEqual(['material/affisch', 'material/affisch/huddinge']);
    expect([discreetSlug(), discreetSlug('huddinge')]).toEqual(['l', 'l/huddinge']);
    expect([kitTargetSlug(), kitTargetSlug('huddinge')]).toEqual(['index', 'hjalp/huddinge']);
  });

  it('splits a translated sentence around its number and name, in any language', () => {
    const ar = useTranslations('ar');
    const parts = textParts(ar, 'kit.route.policeIn', {
      number: { value: '114 14', kind: 'number' },
      region: { value: 'Stockholm', kind: 'name' },
    });
    expect(parts).toContainEqual({ value: '114 14', kind: 'number' });
    expect(parts).toContainEqual({ value: 'Stockholm', kind: 'name' });
    const text = parts.map((p) => ('text' in p ? p.text : p.value)).join('');
    expect(text).toBe(ar('kit.route.policeIn', { number: '114 14', region: 'Stockholm' }));
    expect(textParts(useTranslations('sv'), 'kit.route.socialServices')).toEqual([{ text: 'Socialtjänsten i din kommun: ring kommunens växel.' }]);
  });
});
