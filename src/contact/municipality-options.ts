/**
 * The municipalities offered in the form: all 290, grouped by county, each
 * marked connected or not (from the recipients configuration). A
 * municipality that is not connected is listed, says so, and cannot be
 * chosen: nothing could be sent there. Names are proper names and read the
 * same in every language.
 */
import { municipalitiesByCounty } from '../../protocol/municipalities.ts';
import { recipientFor } from '../promises/connected.ts';
import type { Translator } from '../i18n/translator.ts';

export interface MunicipalityOption {
  id: string;
  /** What the option shows: the name, with "(not connected yet)" when it is not. */
  label: string;
  connected: boolean;
}

export interface MunicipalityGroup {
  county: string;
  options: MunicipalityOption[];
}

export function municipalityOptions(t: Translator): MunicipalityGroup[] {
  return municipalitiesByCounty().map(({ county, municipalities }) => ({
    county: county.name,
    options: municipalities.map((m) => {
      const connected = recipientFor(m.id) !== undefined;
      return { id: m.id, connected, label: connected ? m.official : t('notConnected.option', { name: m.official }) };
    }),
  }));
}
