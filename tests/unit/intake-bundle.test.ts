/**
 * `npm run intake:bundle`: the bundle says which Node it needs (one line,
 * exit 1, even for `help`) before loading anything that needs Node 22.12,
 * and its help names its own command.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'utvag-intake-bundle-'));
  const built = spawnSync(process.execPath, ['tools/dev/bundle-intake.ts', out], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

function run(node: string, args: string[], preload: string[] = []) {
  return spawnSync(node, [...preload, join(out, 'utvag-intake.mjs'), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
  });
}

describe('the intake bundle', () => {
  it('runs help on this Node and names its own command, not npm', () => {
    const help = run(process.execPath, ['help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: node utvag-intake.mjs <command> [options]');
    expect(help.stdout).not.toContain('npm run intake');
  });

  it('says in one line which Node it needs, and exits 1, on Node 22.11 (even for help)', () => {
    // This Node, made to say it is 22.11.0 before the bundle's first line runs.
    const older = ['--import', 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"22.11.0"})'];
    for (const args of [['help'], []]) {
      const answer = run(process.execPath, args, older);
      expect(answer.status).toBe(1);
      expect(answer.stdout).toBe('');
      expect(answer.stderr).toBe('utvag-intake needs Node.js 22.12 or newer; this is Node.js 22.11.0.\n');
    }
  });

  // Debian's Node 20, where the machine has it: a real older Node, which has no node:sqlite.
  it.skipIf(
    !existsSync('/usr/bin/node') ||
      Number(spawnSync('/usr/bin/node', ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout) >= 22,
  )('says the same on a real older Node (the system Node)', () => {
    const answer = run('/usr/bin/node', ['help']);
    expect(answer.status).toBe(1);
    expect(answer.stderr).toMatch(/^utvag-intake needs Node\.js 22\.12 or newer; this is Node\.js \d+\.\d+\.\d+\.\n$/);
  });
});
