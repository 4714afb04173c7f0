/**
 * The whole system on this machine, offline: the development intake key,
 * the site built with its public key, the local intake receiver (`intake
 * serve`) and the Worker under wrangler dev with its queue pushing to that
 * receiver. Used by `npm start`, and by the browser tests on other ports.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { hostedInboxOrigin, type HostedInvite } from '../../protocol/hosted-inbox.ts';
import { writeNewSecretFile } from '../../intake/src/keys/owner-only-files.ts';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { ensureDevIntake, publishDevKeyStatement, type DevIntake, type HostedDevIntake } from './dev-keys.ts';
import { devVaultSetup } from './dev-vault.ts';
import { ensureDevStore, type DevStore } from './dev-store.ts';
import { buildSite } from './build-site.ts';
import { projectEnv, start, waitForUrl } from './run.ts';

/** wrangler.jsonc's HOSTED_INBOX_DOMAIN for development: `<id>.inkorg.localhost` (Chromium resolves *.localhost here). */
export const DEV_HOSTED_INBOX_DOMAIN = 'inkorg.localhost';

export interface LocalSystemOptions {
  /** Folder of the development intake (keys, inbox). */
  intakeDir: string;
  sitePort: number;
  /** The receiver's push port: the Worker's queue pushes here. */
  intakePort: number;
  /** The team inbox's port (default: any free one). */
  inboxPort?: number;
  /** wrangler's local state (queues, rate limiter). */
  persistTo: string;
  build: boolean;
  /** Child output: inherit for people, ignore for tests. */
  quiet: boolean;
  /** Start the `intake serve` receiver too (default true); tests that start it themselves say false. */
  startReceiver?: boolean;
  /**
   * Name of a development staff account (administrator): the receiver then
   * prints a one-time sign-in link to the team inbox, exposed as `inboxLink`.
   */
  devStaff?: string;
  /** The receiver also sends written replies (issue 14) to this Worker: at once and every 30 s (npm start; tests deliver themselves). */
  deliverReplies?: boolean;
  /** A wrangler config other than ./wrangler.jsonc (passed as `wrangler dev -c`). */
  wranglerConfig?: string;
  /** More Worker variables for the env file, e.g. INTAKE_RETRY_BASE_SECONDS for tests. */
  extraWorkerEnv?: Record<string, string>;
  /**
   * Publish the development recipient's signed key statement (kept in its
   * inbox's store) once the Worker is up (default true); with hostedInbox,
   * also give the hosted development recipient's object its development
   * vault (its key and identity key, the public recovery code) and publish
   * the statement of its key, so the form sends to it too. False leaves the
   * hosted inbox empty for its first administrator to set up in the browser.
   */
  publishKeyStatement?: boolean;
  /**
   * wrangler's output, at log level 'log' (so the Worker's own console
   * lines are included), goes to this function instead of the terminal.
   */
  onWorkerOutput?: (text: string) => void;
  /**
   * A development recipient's team inbox HOSTED in the Worker (issue 20),
   * next to the self-hosted one: its id (ending in -development; the
   * development folder's hosted recipient, hosted-development, is the one
   * on the form) and the name of its first administrator, whose one-time
   * link is exposed as `hostedInboxLink`.
   */
  hostedInbox?: { recipient: string; staff: string };
}

export interface LocalSystem {
  intake: DevIntake;
  /** The running intake folder (store, keys) and its development files. */
  store: DevStore;
  /** The team inbox's address, and with devStaff a one-time sign-in link (resolves once printed). */
  inboxLink: Promise<string>;
  /** With hostedInbox: the hosted inbox's one-time link for its first administrator. */
  hostedInboxLink: Promise<string> | null;
  url: string;
  stop: () => void;
  children: ChildProcess[];
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const intake = await ensureDevIntake(options.intakeDir);
  const pushUrl = `http://127.0.0.1:${options.intakePort}/push`;
  // Route every kid of the development key set to this receiver.
  const routes = Object.fromEntries(Object.entries(intake.pushRoutes).map(([kid, route]) => [kid, { ...route, url: pushUrl }]));

  if (options.build && (await buildSite({ UTVAG_RECIPIENTS: intake.recipientsFile })) !== 0) {
    throw new Error('The site did not build.');
  }

  // The Worker's development secrets, in an ignored, owner-only file.
  // Absolute: wrangler reads a relative --env-file from the config file's folder (-c).
  const workerEnvFile = resolve(options.intakeDir, `worker-${options.sitePort}.env`);
  // Opens /api/dev/hosted/* for this start only (functions/routes/hosted-development.ts).
  const hostedToken = options.hostedInbox ? randomBytes(32).toString('base64url') : null;
  await writeFile(
    workerEnvFile,
    `INTAKE_PUSH_SIGNING_KEY=${intake.workerSigningKey}\nINTAKE_PUSH_ROUTES=${JSON.stringify(routes)}\n` +
      // The Worker takes no contact request without it; a fresh one per start is enough here.
      `RATE_LIMIT_SECRET=${randomBytes(32).toString('base64url')}\n` +
      // The hosted inboxes' store secret: kept in the development folder, so their staff names open after a restart.
      `HOSTED_STORE_SECRET=${await devHostedStoreSecret(options.intakeDir)}\n` +
      (hostedToken ? `HOSTED_DEVELOPMENT_TOKEN=${hostedToken}\n` : '') +
      Object.entries(options.extraWorkerEnv ?? {})
        .map(([name, value]) => `${name}=${value}\n`)
        .join(''),
    { mode: 0o600 },
  );

  const stdio: StdioOptions = options.quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit';
  const store = await ensureDevStore(options.intakeDir);
  const receiver =
    options.startReceiver === false
      ? null
      : start(
          'node',
          [
            'intake/src/cli.ts',
            'serve',
            '--dir',
            store.dir,
            '--push-port',
            String(options.intakePort),
            '--port',
            String(options.inboxPort ?? 0),
            '--recipient',
            intake.recipient,
            '--recipients',
            store.recipientsFile,
            ...(options.devStaff ? ['--dev-staff', options.devStaff] : []),
          ],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
            env: projectEnv({
              INTAKE_WORKER_PUBLIC_KEYS: intake.workerPublicKey,
              // The receiver sends written replies (issue 14) to the local Worker.
              ...(options.deliverReplies ? { UTVAG_SITE_URL: `http://127.0.0.1:${options.sitePort}` } : {}),
            }),
          },
        );
  // The receiver's lines go on to the terminal (unless quiet); the inbox link is picked out of them.
  const inboxLink = new Promise<string>((found) => {
    let seen = '';
    receiver?.stdout?.on('data', (chunk: Buffer) => {
      if (!options.quiet) process.stdout.write(chunk);
      seen += chunk.toString();
      const links = [...seen.matchAll(/^Team inbox: (\S+)$/gm)].map((m) => m[1]!);
      const link = links.find((l) => l.includes('/invite/')) ?? (options.devStaff ? undefined : links[0]);
      if (link) found(link);
    });
  });
  const worker = start(
    'wrangler',
    [
      'dev',
      ...(options.wranglerConfig ? ['-c', options.wranglerConfig] : []),
      '--port',
      String(options.sitePort),
      '--ip',
      '127.0.0.1',
      '--persist-to',
      resolve(options.persistTo),
      '--env-file',
      workerEnvFile,
      '--show-interactive-dev-session=false',
      '--log-level',
      options.onWorkerOutput ? 'log' : options.quiet ? 'error' : 'warn',
    ],
    { stdio: options.onWorkerOutput ? ['ignore', 'pipe', 'pipe'] : stdio },
  );
  if (options.onWorkerOutput) {
    const forward = options.onWorkerOutput;
    worker.stdout?.on('data', (chunk: Buffer) => forward(chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => forward(chunk.toString()));
  }
  const children = receiver ? [receiver, worker] : [worker];
  const stop = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  };
  const url = `http://127.0.0.1:${options.sitePort}`;
  // Never leave the children running when the Worker does not come up.
  await waitForUrl(`${url}/api/health`).catch((error: unknown) => (stop(), Promise.reject(error)));
  // The development recipient's keys come only from its signed statement (issue 20): publish it.
  if (options.publishKeyStatement !== false) {
    const hosted = hostedToken && options.hostedInbox?.recipient === intake.hosted.recipient ? intake.hosted : null;
    await Promise.all([
      publishDevKeyStatement(url, store.statement),
      hosted && provisionHostedDevelopment(url, hosted, hostedToken!),
    ]).catch((error: unknown) => (stop(), Promise.reject(error)));
  }
  const hostedInboxLink =
    options.hostedInbox && hostedToken ? inviteHostedAdministrator(url, options.hostedInbox, hostedToken, options.sitePort) : null;
  // A failure here is printed where the link would be (start.ts), not thrown into the running system.
  hostedInboxLink?.catch(() => undefined);
  return { intake, store, inboxLink, hostedInboxLink, url, stop, children };
}

/** The development hosted inboxes' store secret, made once in the development folder (0600). */
async function devHostedStoreSecret(dir: string): Promise<string> {
  const file = join(dir, 'hosted-store-secret');
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing) return existing.trim();
  const secret = randomBytes(32).toString('base64url');
  await writeNewSecretFile(file, `${secret}\n`);
  return secret;
}

/**
 * The hosted development recipient's object gets its development vault
 * (its key and identity key, sealed to the public recovery code, through
 * the development door), and the statement of its key, signed with that
 * identity key as its administrator's browser would sign it, is PUT to the
 * Worker: from then on the form seals requests for Solna to it, and the
 * queue hands them to its object. A vault made on an earlier start stays.
 */
async function provisionHostedDevelopment(siteUrl: string, hosted: HostedDevIntake, token: string): Promise<void> {
  const response = await fetch(`${siteUrl}/api/dev/hosted/${hosted.recipient}/vault`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ setup: await devVaultSetup(hosted.keys, hosted.identityJwk) }),
  });
  if (!response.ok) throw new Error(`the Worker refused the hosted development vault (${response.status})`);
  await publishDevKeyStatement(siteUrl, await hosted.keyStatement());
}

/** Opens the development recipient's hosted inbox and returns its first administrator's one-time link. */
async function inviteHostedAdministrator(
  siteUrl: string,
  hosted: { recipient: string; staff: string },
  token: string,
  sitePort: number,
): Promise<string> {
  const response = await fetch(`${siteUrl}/api/dev/hosted/${hosted.recipient}/invite`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: hosted.staff }),
  });
  if (!response.ok) throw new Error(`the Worker did not open the hosted inbox (${response.status})`);
  const invite = (await response.json()) as HostedInvite;
  return `${hostedInboxOrigin(hosted.recipient, DEV_HOSTED_INBOX_DOMAIN, sitePort)}${invite.path}`;
}
