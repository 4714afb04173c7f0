/**
 * `npm run deploy` runs this first: it refuses to deploy while a secret the
 * Worker needs in production is missing from the Cloudflare account. It asks
 * wrangler (`wrangler secret list`, which needs the network and a login,
 * like the deploy itself) for the names of the Worker's secrets; it never
 * sees their values.
 *
 * The Worker checks again at run time: without RATE_LIMIT_SECRET it takes no
 * contact request (`not_configured`), without INTAKE_PUSH_SIGNING_KEY it
 * pushes nothing (messages wait in the queue). This script turns those
 * silent failures into a refused deploy.
 *
 * Run directly: `node tools/dev/deploy-check.ts`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { projectEnv } from './run.ts';

/** Secrets the production Worker must have (see README, Deploy). */
export const REQUIRED_SECRETS = ['RATE_LIMIT_SECRET', 'INTAKE_PUSH_SIGNING_KEY', 'INTAKE_PUSH_ROUTES', 'HOSTED_STORE_SECRET'] as const;

/** Secrets that must never be set on the production Worker: the development door to hosted inboxes. */
export const FORBIDDEN_SECRETS = ['HOSTED_DEVELOPMENT_TOKEN'] as const;

/** The names wrangler lists, from its JSON output; null when the output is not that. */
export function secretNames(wranglerJson: string): string[] | null {
  try {
    const list = JSON.parse(wranglerJson) as unknown;
    if (!Array.isArray(list)) return null;
    return list.flatMap((entry) =>
      typeof entry === 'object' && entry && typeof (entry as { name?: unknown }).name === 'string'
        ? [(entry as { name: string }).name]
        : [],
    );
  } catch {
    return null;
  }
}

/** What is missing, one line each; empty when the deploy may go on. */
export function missingSecrets(names: readonly string[]): string[] {
  return REQUIRED_SECRETS.filter((name) => !names.includes(name));
}

function listSecrets(): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('wrangler', ['secret', 'list', '--format', 'json'], { env: projectEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout }));
    child.on('error', () => resolve({ code: 127, stdout }));
  });
}

export async function checkDeploy(list: () => Promise<{ code: number; stdout: string }> = listSecrets): Promise<string[]> {
  const { code, stdout } = await list();
  const names = code === 0 ? secretNames(stdout) : null;
  if (!names) return ["could not list the Worker's secrets with `wrangler secret list` (log in with `npx wrangler login`)"];
  return [
    ...missingSecrets(names).map((name) => `secret ${name} is not set: npx wrangler secret put ${name} (see README, Deploy)`),
    ...FORBIDDEN_SECRETS.filter((name) => names.includes(name)).map(
      (name) => `secret ${name} is set, which opens a development door: npx wrangler secret delete ${name}`,
    ),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = await checkDeploy();
  for (const problem of problems) console.error(`deploy refused: ${problem}`);
  process.exit(problems.length === 0 ? 0 : 1);
}
