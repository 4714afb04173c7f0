/**
 * /intake-keys.json: the recipients' public keys and which recipient serves
 * which municipality, built from the recipients configuration named by
 * UTVAG_RECIPIENTS (development: .dev-intake/, made by `npm start` and
 * `npm test`), else content/intake/recipients.json.
 * The build fails, with the reason, on a broken key, a duplicate kid, a
 * municipality served twice or unknown, or (UTVAG_PRODUCTION=1) a
 * development recipient.
 */
import { readFile } from 'node:fs/promises';
import type { APIRoute } from 'astro';
import { isProductionBuild, keySetOf, validateRecipients } from '../../protocol/recipients.ts';
import { municipalityIds } from '../../protocol/municipalities.ts';
import { recipientsFile } from '../promises/connected.ts';

export const GET: APIRoute = async () => {
  const text = await readFile(recipientsFile, 'utf8');
  const keySet = keySetOf(await validateRecipients(recipientsFile, text, municipalityIds(), isProductionBuild(process.env)));
  return new Response(JSON.stringify(keySet), { headers: { 'content-type': 'application/json' } });
};
