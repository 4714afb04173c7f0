/**
 * The kids of recipient keys still wrapped with the old passphrase
 * (`keys/<kid>.private.wrapped.json`, before issue 19), read from the
 * files' public fields: no passphrase, nothing unwrapped. Until `intake
 * move-keys` moves them into the team vault, envelopes sealed to them are
 * kept like any other (not quarantined as unknown).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

export const LEGACY_KEY_SUFFIX = '.private.wrapped.json';

const publicFields = z.object({ kind: z.literal('private-key'), kid: z.string().min(1) });

export async function legacyKids(dir: string): Promise<Set<string>> {
  const keysDir = join(dir, 'keys');
  const names = await readdir(keysDir).catch(() => [] as string[]);
  const kids = new Set<string>();
  for (const name of names.filter((n) => n.endsWith(LEGACY_KEY_SUFFIX))) {
    try {
      const parsed = publicFields.safeParse(JSON.parse(await readFile(join(keysDir, name), 'utf8')));
      if (parsed.success) kids.add(parsed.data.kid);
    } catch {
      // A damaged file names no key; `move-keys` reports it.
    }
  }
  return kids;
}
