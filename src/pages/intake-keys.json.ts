/**
 * /intake-keys.json: the recipients' public keys and which recipient serves
 * which municipality, built from the recipients configuration named by
 * UTVAG_RECIPIENTS (development: .dev-intake/, made by `npm start` and
 * `npm test`), else content/intake/recipients.json.
 * The build fails, with the reason, on a broken key, a duplicate kid, a
 * municipality served twice or unknown, or (UTVAG_PRODUCTION=1) a
 * development recipient.
 */
import type { APIRoute } from 'astro';
import { buildKeySet } from '../intake/recipients.ts';
import { municipalityIds } from '../municipalities/schema.ts';
import { recipientsFile } from '../promises/connected.ts';

export const GET: APIRoute = async () => {
  const keySet = await buildKeySet(recipientsFile, municipalityIds());
  return new Response(JSON.stringify(keySet), { headers: { 'content-type': 'application/json' } });
};
