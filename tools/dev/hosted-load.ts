/**
 * Hosted inboxes under load (issue 20), for the system test (a few) and
 * `npm run bench -- hosted` (290 × 20): N development recipients, each
 * with its own Durable Object, through the real Worker under `wrangler
 * dev` and its local queue.
 *
 *  1. The Worker gets a key set of its own (a small assets folder: only
 *     /intake-keys.json) naming N hosted recipients `hosted-<i>-development`,
 *     one municipality each, pinned to one development identity.
 *  2. Each recipient's inbox gets the development vault holding one key of
 *     its own (/api/dev/hosted/<id>/vault), and a statement of that key
 *     signed by the identity (PUT /api/key-statement).
 *  3. M requests per recipient are sealed to its key and posted to
 *     /api/contact, each from an address of its own (the per-sender limit
 *     stays as deployed).
 *  4. Every object's SQLite file in wrangler's state folder is read until
 *     all N × M are stored: each object names its recipient (its store's
 *     meta row) and must hold exactly its M requests, all to its own kid.
 *
 * Time from the first post to the last request stored; memory is the peak
 * resident size of the wrangler process tree (workerd with every object),
 * sampled from /proc.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { generateRecipientKeyPair, sealRequest } from '../../protocol/envelope.ts';
import { KEY_SET_VERSION } from '../../protocol/limits.ts';
import { exportIdentityKey, generateIdentityKey, identityFingerprint, signKeyStatement } from '../../protocol/key-statement.ts';
import { municipalityIds } from '../../protocol/municipalities.ts';
import { createRequest } from '../../protocol/request.ts';
import { devVaultSetup } from './dev-vault.ts';
import { startLocalSystem, type LocalSystem } from './local-system.ts';
import { sampleAnswers } from './sample-request.ts';

export interface HostedLoadOptions {
  recipients: number;
  perRecipient: number;
  /** A temporary folder of the caller's: wrangler's state, the key set, the dev intake. */
  root: string;
  sitePort: number;
  /** A wrangler config (JSON) to run, e.g. a frozen bundle's; its assets folder is replaced by the key set's. */
  wranglerConfig: string;
  /** Posts in flight at once. */
  concurrency?: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface HostedLoadResult {
  recipients: number;
  perRecipient: number;
  /** Objects found, and per recipient what its object holds. */
  stored: Map<string, { kids: string[]; expectedKid: string }>;
  /** Requests the Worker refused (not 202). */
  refused: number;
  setupSeconds: number;
  /** From the first post to the last request stored. */
  deliverSeconds: number;
  peakRssMiB: number;
  complete: boolean;
}

const recipientId = (i: number) => `hosted-${i + 1}-development`;

/** Every process below `pid`, itself included, from /proc. */
async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const name of await readdir('/proc').catch((): string[] => [])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isNaN(ppid)) parents.set(ppid, [...(parents.get(ppid) ?? []), Number(name)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(parents.get(tree[i]!) ?? []));
  return tree;
}

async function rssMiB(pid: number): Promise<number> {
  let kib = 0;
  for (const p of await processTree(pid)) {
    const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    kib += Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return kib / 1024;
}

/** What each hosted object's SQLite file in wrangler's state holds: recipient → kids of its stored requests. */
export async function hostedObjectContents(persistTo: string): Promise<Map<string, string[]>> {
  return readHostedObjects(persistTo, (db) =>
    db
      .prepare('SELECT kid FROM requests')
      .all()
      .map((row) => String(row['kid'])),
  );
}

/**
 * Reads each hosted object's SQLite file in wrangler's state folder
 * (read-only): recipient (its store's meta row) → what `read` finds there.
 * An object not migrated yet, or busy this instant, is left out.
 */
export async function readHostedObjects<T>(persistTo: string, read: (db: DatabaseSync) => T): Promise<Map<string, T>> {
  const contents = new Map<string, T>();
  const doRoot = join(persistTo, 'v3', 'do');
  for (const dir of await readdir(doRoot).catch((): string[] => [])) {
    if (!dir.endsWith('-HostedInbox')) continue;
    for (const file of (await readdir(join(doRoot, dir))).filter((name) => name.endsWith('.sqlite'))) {
      let db: DatabaseSync | undefined;
      try {
        db = new DatabaseSync(join(doRoot, dir, file), { readOnly: true });
        const owner = db.prepare(`SELECT value FROM meta WHERE key = 'hosted_recipient'`).get()?.['value'];
        if (typeof owner === 'string') contents.set(owner, read(db));
      } catch {
        // Not migrated yet, or busy this instant: read again next time.
      } finally {
        db?.close();
      }
    }
  }
  return contents;
}

async function poolAll<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

/** An address of its own for post `n` (198.18.0.0/15, the benchmarking range). */
const addressOf = (n: number) => `198.18.${Math.floor(n / 250) % 256}.${(n % 250) + 1}`;

export async function runHostedLoad(options: HostedLoadOptions): Promise<HostedLoadResult> {
  const log = options.log ?? (() => undefined);
  const { recipients: n, perRecipient: m, root } = options;
  const municipalities = municipalityIds();
  if (n > municipalities.length) throw new Error(`at most ${municipalities.length} hosted recipients (one municipality each)`);
  const setupStarted = performance.now();

  // 1. The key set the Worker serves: N hosted recipients pinned to one development identity.
  const identity = await generateIdentityKey();
  const identityKey = await exportIdentityKey(identity.publicKey);
  const pin = await identityFingerprint(identityKey);
  const ids = Array.from({ length: n }, (_, i) => recipientId(i));
  const assets = join(root, 'hosted-assets');
  await mkdir(assets, { recursive: true });
  const keySet = {
    v: KEY_SET_VERSION,
    keys: [],
    recipients: ids.map((id, i) => ({ id, serves: [municipalities[i]!], identity: pin, hosted: true })),
    statements: [],
  };
  await writeFile(join(assets, 'intake-keys.json'), JSON.stringify(keySet));
  await writeFile(join(assets, '404.html'), '<!doctype html><title>404</title>');
  const config = JSON.parse(await readFile(options.wranglerConfig, 'utf8')) as Record<string, unknown> & {
    assets: Record<string, unknown>;
  };
  const configPath = join(root, 'wrangler.hosted.json');
  await writeFile(configPath, JSON.stringify({ ...config, assets: { ...config.assets, directory: assets } }, null, 2));

  const token = randomBytes(32).toString('base64url');
  const persistTo = join(root, 'wrangler-state');
  let system: LocalSystem | undefined;
  let peak = 0;
  let sampler: NodeJS.Timeout | undefined;
  try {
    system = await startLocalSystem({
      intakeDir: join(root, 'dev-intake'),
      sitePort: options.sitePort,
      intakePort: options.sitePort + 1,
      persistTo,
      build: false,
      quiet: true,
      startReceiver: false,
      publishKeyStatement: false,
      wranglerConfig: configPath,
      extraWorkerEnv: { HOSTED_DEVELOPMENT_TOKEN: token, INTAKE_RETRY_BASE_SECONDS: '1' },
    });
    const worker = system.children.at(-1)!;
    const sample = async () => (peak = Math.max(peak, await rssMiB(worker.pid!)));
    sampler = setInterval(() => void sample(), 500);
    const url = system.url;

    // 2. Each recipient's key, in its vault and in its signed statement.
    log(`  hosted: setting up ${n} inboxes`);
    const keys = await Promise.all(ids.map(() => generateRecipientKeyPair()));
    await poolAll(ids, options.concurrency ?? 8, async (id, i) => {
      const key = keys[i]!;
      const setup = await devVaultSetup([{ ...key, notAfter: '2099-12-31' }]);
      const vault = await fetch(`${url}/api/dev/hosted/${id}/vault`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ setup }),
      });
      if (!vault.ok) throw new Error(`the development vault of ${id} was refused: ${vault.status}`);
      const statement = await signKeyStatement(
        {
          v: 1,
          recipient: id,
          identityKey,
          issued: new Date().toISOString(),
          keys: [{ publicKey: key.publicKey, notAfter: '2099-12-31' }],
        },
        identity.privateKey,
      );
      const put = await fetch(`${url}/api/key-statement`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': addressOf(i) },
        body: JSON.stringify(statement),
      });
      if (put.status !== 204) throw new Error(`the statement of ${id} was refused: ${put.status} ${await put.text()}`);
    });
    // The Worker keeps its key set for a minute per isolate; the statements are new, so wait it out once.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const served = (await (await fetch(`${url}/intake-keys.json`)).json()) as { keys: unknown[] };
      if (served.keys.length === n) break;
      if (Date.now() > deadline) throw new Error(`the Worker serves ${served.keys.length} of ${n} keys`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    // 3. N × M requests, sealed to each recipient's own key.
    log(`  hosted: sealing and posting ${n * m} requests`);
    const posts = ids.flatMap((id, i) =>
      Array.from({ length: m }, (_, j) => ({
        i,
        request: createRequest(sampleAnswers(`Hosted ${id} ${j}`, { municipality: municipalities[i]! })),
      })),
    );
    let refused = 0;
    const postStarted = performance.now();
    await poolAll(posts, options.concurrency ?? 8, async (post, index) => {
      const body = JSON.stringify(await sealRequest(post.request, keys[post.i]!));
      const response = await fetch(`${url}/api/contact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': addressOf(n + index) },
        body,
      });
      await response.body?.cancel();
      if (response.status !== 202) refused++;
    });

    // 4. Until every request is in its object.
    const expected = n * m - refused;
    const until = Date.now() + (options.timeoutMs ?? 300_000);
    let contents = new Map<string, string[]>();
    for (;;) {
      contents = await hostedObjectContents(persistTo);
      const total = [...contents.values()].reduce((sum, kids) => sum + kids.length, 0);
      if (total >= expected || Date.now() > until) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const deliverSeconds = (performance.now() - postStarted) / 1000;
    await sample();
    const stored = new Map(ids.map((id, i) => [id, { kids: contents.get(id) ?? [], expectedKid: keys[i]!.kid }]));
    const complete =
      refused === 0 && [...stored.values()].every((s) => s.kids.length === m && s.kids.every((kid) => kid === s.expectedKid));
    return { recipients: n, perRecipient: m, stored, refused, setupSeconds, deliverSeconds, peakRssMiB: Math.round(peak), complete };
  } finally {
    if (sampler) clearInterval(sampler);
    const exited = (system?.children ?? []).map(
      (child) =>
        new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve))),
    );
    system?.stop();
    await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, 15_000))]);
  }
}
