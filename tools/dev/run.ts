import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { withOfflineEnv } from './offline-env.ts';

/** Project-local binaries (node_modules/.bin) first, so the pinned Node 22 is used. */
export const binDir = join(process.cwd(), 'node_modules', '.bin');

export function projectEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = withOfflineEnv(extra);
  env.PATH = `${binDir}:${env.PATH ?? ''}`;
  return env;
}

/** Runs a command to completion, inheriting the terminal; resolves with its exit code. */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: projectEnv(), ...options });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', () => resolve(127));
  });
}

/** Starts a long-running process; the caller stops it. */
export function start(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(command, args, { stdio: 'inherit', env: projectEnv(), ...options });
}

/** Waits until `url` answers 2xx, or throws after `timeoutMs`. */
export async function waitForUrl(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`Timed out waiting for ${url}`);
}
