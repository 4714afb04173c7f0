/**
 * `npm run intake:bundle`: the municipal intake as one folder a
 * municipality copies to its server, with nothing to install but Node 22:
 *
 *   intake-dist/utvag-intake.mjs     the CLI (serve, pull, keygen, staff, audit, …),
 *                                    with hono, @hono/node-server,
 *                                    @simplewebauthn/server, zod and @hpke/core inside
 *   intake-dist/inbox-assets/        the inbox's CSS and scripts, and the ESM build
 *                                    of @simplewebauthn/browser (served by the intake)
 *   intake-dist/package.json         engines only: no dependencies
 *
 * Run it there with `node utvag-intake.mjs <command>`. Development tools,
 * the site and the test browsers are not in it.
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const out = 'intake-dist';
await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'inbox-assets'), { recursive: true });
await build({
  entryPoints: ['intake/src/cli.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  outfile: join(out, 'utvag-intake.mjs'),
  // The CLI runs itself when it is the program node was started with.
  banner: { js: "import { createRequire as __utvagRequire } from 'node:module'; const require = __utvagRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
});
await cp('intake/src/inbox/assets', join(out, 'inbox-assets'), { recursive: true });
await cp(dirname(fileURLToPath(import.meta.resolve('@simplewebauthn/browser'))), join(out, 'inbox-assets', 'webauthn'), {
  recursive: true,
  filter: (path) => !path.endsWith('.d.ts') && !path.endsWith('.map'),
});
await writeFile(
  join(out, 'package.json'),
  `${JSON.stringify({ name: 'utvag-intake', private: true, type: 'module', engines: { node: '>=22.12' }, bin: { 'utvag-intake': 'utvag-intake.mjs' } }, null, 2)}\n`,
);
console.log(`Wrote ${out}/: copy the folder to the intake server and run "node ${out}/utvag-intake.mjs help".`);
