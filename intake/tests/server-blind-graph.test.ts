/**
 * The server is blind (issue 19): from its three entry points (the service
 * that `intake serve` runs, the team inbox app and the push receiver) the
 * module graph must not reach the code that opens an envelope or a reply,
 * nor the team vault (which unwraps the keys): only the browser bundle
 * holds those. esbuild's metafile lists every module a bundle would hold,
 * so this is the graph as it would run, dynamic imports included.
 *
 * The inbox has two homes (issue 20): the same app and store run in a
 * Durable Object, so from the inbox app and the store nothing may reach
 * what only Node has: node:fs, node:sqlite, node:path and the other
 * builtins (node:crypto is in workerd with nodejs_compat), esbuild, or
 * @hono/node-server. Those stay behind the Node entries (service.ts,
 * store.ts, inbox/node-assets.ts).
 */
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');

/** What opens or unwraps: never on the server. */
const OPENING = [/^protocol\/envelope-open\.ts$/, /^protocol\/reply-open\.ts$/, /^intake\/src\/team-vault\//];

const SERVER_ENTRIES = ['intake/src/service.ts', 'intake/src/inbox/app.ts', 'intake/src/receiver/push-app.ts'];

/** What only Node has; node:crypto (and Buffer) the Worker has with nodejs_compat. */
const NODE_ONLY = /^(?:node:(?!crypto$)|(?:fs|path|url|os|sqlite|child_process)(?:\/|$)|esbuild$|@hono\/node-server(?:\/|$))/;

/** The hosted inbox's entries: the inbox app and the store it opens on a Durable Object. */
const HOSTED_ENTRIES = ['intake/src/inbox/app.ts', 'intake/src/store/intake-store.ts'];

async function bundleOf(entry: string) {
  const result = await build({
    entryPoints: [join(root, entry)],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    packages: 'external',
  });
  return result.metafile;
}

/** Every module a bundle of `entry` holds, as paths from the repository root. */
async function graphOf(entry: string): Promise<string[]> {
  return Object.keys((await bundleOf(entry)).inputs);
}

/** Each import of a Node-only module in `entry`'s graph, as "module -> import". */
async function nodeOnlyImports(entry: string): Promise<string[]> {
  const { inputs } = await bundleOf(entry);
  return Object.entries(inputs).flatMap(([path, input]) =>
    input.imports.filter((imported) => imported.external && NODE_ONLY.test(imported.path)).map((imported) => `${path} -> ${imported.path}`),
  );
}

const opening = (modules: string[]) => modules.filter((path) => OPENING.some((pattern) => pattern.test(path)));

describe('the server module graph', () => {
  it.each(SERVER_ENTRIES)('%s reaches no opening code and no team vault', async (entry) => {
    const modules = await graphOf(entry);
    expect(modules).toContain(entry);
    expect(opening(modules)).toEqual([]);
  });

  it('the check sees opening code where it is: the browser app reaches it', async () => {
    const modules = await graphOf('intake/src/browser/main.ts');
    expect(opening(modules)).toContain('protocol/envelope-open.ts');
    expect(opening(modules).some((path) => path.startsWith('intake/src/team-vault/'))).toBe(true);
  });
});

describe('the hosted inbox module graph (issue 20)', () => {
  it.each(HOSTED_ENTRIES)('%s reaches nothing only Node has', async (entry) => {
    expect(await nodeOnlyImports(entry)).toEqual([]);
  });

  it('the check sees Node-only imports where they are: the Node entries reach them', async () => {
    expect(await nodeOnlyImports('intake/src/service.ts')).toEqual(
      expect.arrayContaining(['intake/src/store/node-sqlite.ts -> node:sqlite', 'intake/src/inbox/node-assets.ts -> node:fs']),
    );
  });
});
