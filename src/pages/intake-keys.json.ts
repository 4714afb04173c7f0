/**
 * /intake-keys.json: the recipients' public keys, built from the recipients
 * configuration named by UTVAG_RECIPIENTS (development: .dev-intake/, made
 * by `npm start` and `npm test`), else content/intake/recipients.json.
 * The build fails, with the reason, on a broken key, a duplicate kid or a
 * recipient missing from the help directory.
 */
import type { APIRoute } from 'astro';
import { buildKeySet } from '../intake/recipients.ts';
import { helpDirectoryIds } from '../help-directory/schema.ts';

export const recipientsFile = process.env.UTVAG_RECIPIENTS ?? 'content/intake/recipients.json';

export const GET: APIRoute = async () => {
  const keySet = await buildKeySet(recipientsFile, helpDirectoryIds());
  return new Response(JSON.stringify(keySet), { headers: { 'content-type': 'application/json' } });
};
