/**
 * A copy of wrangler.jsonc for a benchmark or the browser suite, which measure delivery, not the
 * service-wide ceilings: every limit but the per-address one raised (the
 * shared alarms, and the /24, /56 and /48 widths, which a test's many
 * made-up senders in a few documentation ranges would otherwise fill). Written into the caller's temp
 * folder, with main and assets made absolute.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** wrangler.jsonc as JSON: whole-line // comments removed (the file has no others). */
export async function readWranglerConfig(file = 'wrangler.jsonc'): Promise<Record<string, unknown>> {
  const text = (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line))
    .join('\n');
  return JSON.parse(text.replace(/,(\s*[}\]])/g, '$1')) as Record<string, unknown>;
}

export async function writeConfigWithServiceLimit(dir: string, limitPerMinute: number, assetsDir?: string): Promise<string> {
  const { $schema: _schema, ...config } = await readWranglerConfig();
  const assets = config['assets'] as Record<string, unknown>;
  const ratelimits = (config['ratelimits'] as { name: string; simple: { limit: number; period: number } }[]).map((binding) =>
    binding.name === 'CONTACT_RATE_LIMIT' ? binding : { ...binding, simple: { ...binding.simple, limit: limitPerMinute } },
  );
  const out = {
    ...config,
    main: resolve(String(config['main'])),
    // Another built site (a test's own build), else the project's dist/.
    assets: { ...assets, directory: resolve(assetsDir ?? String(assets['directory'])) },
    ratelimits,
  };
  const file = join(dir, 'wrangler.bench.json');
  await writeFile(file, JSON.stringify(out, null, 2));
  return file;
}
