/**
 * `npm run intake:bundle`: the municipal intake as one folder a
 * municipality copies to its server, with nothing to install but Node 22:
 *
 *   intake-dist/utvag-intake.mjs     the program: checks the Node version first (one
 *                                    clear line and exit 1 before Node 22.12, even for
 *                                    `help`), then loads intake-main.mjs
 *   intake-dist/intake-main.mjs      the CLI (serve, pull, keygen, staff, audit, …),
 *                                    with hono, @hono/node-server,
 *                                    @simplewebauthn/server and zod inside
 *   intake-dist/inbox-assets/        the inbox's CSS and scripts (inbox-app.js: the browser
 *                                    app, built from intake/src/browser/), and the ESM build
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
import { buildInboxApp } from '../../intake/src/inbox/app-bundle.ts';

/** The output folder: intake-dist, or the first argument (the tests build into a temporary one). */
const out = process.argv[2] ?? 'intake-dist';
await rm(out, { recursive: true, force: true });
await mkdir(join(out, 'inbox-assets'), { recursive: true });
await build({
  entryPoints: ['intake/src/bin.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  outfile: join(out, 'intake-main.mjs'),
  // Help and messages name the bundle's own command (intake/src/command-name.ts).
  define: { __UTVAG_INTAKE_COMMAND__: JSON.stringify('node utvag-intake.mjs') },
  banner: { js: "import { createRequire as __utvagRequire } from 'node:module'; const require = __utvagRequire(import.meta.url);" },
  legalComments: 'linked',
  logLevel: 'warning',
});
// The first file: syntax any Node runs, and no import that needs Node 22.12 before the check
// (static imports are loaded before any code runs, so the CLI comes in by a dynamic import).
await writeFile(
  join(out, 'utvag-intake.mjs'),
  `#!/usr/bin/env node
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error('utvag-intake needs Node.js 22.12 or newer; this is Node.js ' + process.versions.node + '.');
  process.exit(1);
}
await import('./intake-main.mjs');
`,
  { mode: 0o755 },
);
await cp('intake/src/inbox/assets', join(out, 'inbox-assets'), { recursive: true });
await writeFile(join(out, 'inbox-assets', 'inbox-app.js'), await buildInboxApp());
await cp(dirname(fileURLToPath(import.meta.resolve('@simplewebauthn/browser'))), join(out, 'inbox-assets', 'webauthn'), {
  recursive: true,
  filter: (path) => !path.endsWith('.d.ts') && !path.endsWith('.map'),
});
await writeFile(
  join(out, 'package.json'),
  `${JSON.stringify({ name: 'utvag-intake', private: true, type: 'module', engines: { node: '>=22.12' }, bin: { 'utvag-intake': 'utvag-intake.mjs' } }, null, 2)}\n`,
);
console.log(`Wrote ${out}/: copy the folder to the intake server and run "node ${out}/utvag-intake.mjs help".`);
