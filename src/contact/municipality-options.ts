/**
 * The municipalities offered in the form, from the help directory. Names
 * are proper names and read the same in every language.
 */
import { loadHelpDirectory } from '../help-directory/schema.ts';

export interface MunicipalityOption {
  id: string;
  name: string;
}

export function municipalityOptions(): MunicipalityOption[] {
  return loadHelpDirectory()
    .municipalities.map((m) => ({ id: m.id, name: m.name }))
    .sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}
