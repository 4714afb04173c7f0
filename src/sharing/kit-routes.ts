/**
 * Which ways to help a card or poster names, in order, for the Sweden-wide
 * kit or one municipality. Only routes that shared/facts.md part 2 says work
 * everywhere, and only numbers it makes publishable; never a promise of a
 * contact time (no one who made such a promise stands behind a card).
 *
 * The card is small: emergency, social services (with the municipality's
 * own number where the contacts data publishes one: its social services
 * intake, else its switchboard), the police's defector coordination, BRIS,
 * and local units with a publishable number. The poster adds the
 * municipality's after-hours route (socialjour), Brottsofferjouren and the
 * local units you ask for through the municipality's switchboard.
 */
import { brisLine, emergencyNumber, policeNonEmergency, victimSupportLine, type PublishableNumber } from '../../protocol/phone-numbers.ts';
import type { KitArea } from './kit-areas.ts';

export type Phone = PublishableNumber;

export type KitRoute =
  | { kind: 'danger'; phone: Phone }
  | { kind: 'social-services'; municipality?: string; phone?: Phone; via?: 'switchboard' | 'socialtjanst' }
  | { kind: 'socialjour'; phone: Phone; viaEmergency: boolean }
  | { kind: 'police-defector'; phone: Phone; policeRegion?: string }
  | { kind: 'bris'; phone: Phone }
  | { kind: 'victims'; phone: Phone }
  | { kind: 'local-phone'; name: string; phone: Phone }
  | { kind: 'local-ask'; names: string[] };

export type KitMedium = 'card' | 'poster';

export function kitRoutes(area: KitArea | undefined, medium: KitMedium): KitRoute[] {
  const localPhones = (area?.localRoutes ?? []).flatMap((r) => (r.phone ? [{ kind: 'local-phone' as const, name: r.name, phone: r.phone }] : []));
  const localAsk = (area?.localRoutes ?? []).filter((r) => !r.phone).map((r) => r.name);
  const contacts = area?.contacts ?? [];
  // An intake for children only is not the number to give everyone: then the switchboard.
  const office = contacts.find((c) => c.kind === 'socialtjanst' && !c.forChildren) ?? contacts.find((c) => c.kind === 'switchboard');
  const socialjour = contacts.find((c) => c.kind === 'socialjour');
  const routes: KitRoute[] = [
    { kind: 'danger', phone: emergencyNumber },
    {
      kind: 'social-services',
      ...(area ? { municipality: area.name } : {}),
      ...(office ? { phone: office.phone, via: office.kind as 'switchboard' | 'socialtjanst' } : {}),
    },
    ...localPhones,
    { kind: 'police-defector', phone: policeNonEmergency, ...(area ? { policeRegion: area.policeRegion } : {}) },
    { kind: 'bris', phone: brisLine },
  ];
  if (medium === 'poster') {
    routes.push({ kind: 'victims', phone: victimSupportLine });
    const local: KitRoute[] = [
      ...(socialjour ? [{ kind: 'socialjour' as const, phone: socialjour.phone, viaEmergency: socialjour.viaEmergency }] : []),
      ...(localAsk.length > 0 ? [{ kind: 'local-ask' as const, names: localAsk }] : []),
    ];
    routes.splice(2 + localPhones.length, 0, ...local);
  }
  return routes;
}
