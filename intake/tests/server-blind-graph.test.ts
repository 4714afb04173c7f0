/**
 * The server is blind (issue 19): from its three entry points (the service
 * that `intake serve` runs, the team inbox app and the push receiver) the
 * module graph must not reach the code that opens an envelope or a reply,
 * nor the team vault (which unwraps the keys): only the browser bundle
 * holds those. esbuild's metafile lists every module a bundle would hold,
 * so this is the graph as it would run, dynamic imports included.
 */
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');

/** What opens or unwraps: never on the server. */
const OPENING = [/^protocol\/envelope-open\.ts$/, /^protocol\/reply-open\.ts$/, /^intake\/src\/team-vault\//];

const SERVER_ENTRIES = ['intake/src/service.ts', 'intake/src/inbox/app.ts', 'intake/src/receiver/push-app.ts'];

/** Every module a bundle of `entry` holds, as paths from the repository root. */
async function graphOf(entry: string): Promise<string[]> {
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
  return Object.keys(result.metafile.inputs);
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
