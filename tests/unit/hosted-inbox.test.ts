/**
 * The hosted team inbox (issue 20) from outside workerd: its host names,
 * that its module graph reaches nothing Node-only (it runs in a Durable
 * Object), and that none of its paths is a folder the Worker's static
 * assets answer before the Worker (wrangler.jsonc run_worker_first).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { hostedInboxOrigin, hostedRecipientOfHost, isAllowedWebhookUrl } from '../../protocol/hosted-inbox.ts';
import { Accounts } from '../../intake/src/accounts.ts';
import { createInboxApp } from '../../intake/src/inbox/app.ts';
import { NO_RECIPIENTS } from '../../intake/src/promise.ts';
import { IntakeStore } from '../../intake/src/store.ts';
import { readWranglerConfig } from '../../tools/dev/wrangler-config.ts';

const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');

describe('hosted inbox hosts', () => {
  it('reads the recipient from <id>.<domain> only, with or without a port', () => {
    expect(hostedRecipientOfHost('goteborg.inkorg.utvag.se', 'inkorg.utvag.se')).toBe('goteborg');
    expect(hostedRecipientOfHost('Goteborg.INKORG.localhost:8787', 'inkorg.localhost')).toBe('goteborg');
    expect(hostedRecipientOfHost('utvag.se', 'inkorg.utvag.se')).toBeNull();
    expect(hostedRecipientOfHost('inkorg.utvag.se', 'inkorg.utvag.se')).toBeNull();
    expect(hostedRecipientOfHost('a.b.inkorg.utvag.se', 'inkorg.utvag.se')).toBeNull();
    expect(hostedRecipientOfHost('goteborg.inkorg.utvag.se.evil.example', 'inkorg.utvag.se')).toBeNull();
    expect(hostedRecipientOfHost('goteborg.xinkorg.utvag.se', 'inkorg.utvag.se')).toBeNull();
    expect(hostedRecipientOfHost('goteborg.inkorg.utvag.se', undefined)).toBeNull();
  });

  it('gives each inbox its own origin: https, or http on a localhost development domain', () => {
    expect(hostedInboxOrigin('goteborg', 'inkorg.utvag.se')).toBe('https://goteborg.inkorg.utvag.se');
    expect(hostedInboxOrigin('goteborg', 'inkorg.localhost', 8787)).toBe('http://goteborg.inkorg.localhost:8787');
  });

  it('takes an https alert webhook, plain http only to this machine, never with a password', () => {
    expect(isAllowedWebhookUrl('https://sms.example.se/hook')).toBe(true);
    expect(isAllowedWebhookUrl('http://127.0.0.1:9000/hook')).toBe(true);
    expect(isAllowedWebhookUrl('http://sms.example.se/hook')).toBe(false);
    expect(isAllowedWebhookUrl('https://user:secret@sms.example.se/hook')).toBe(false);
    expect(isAllowedWebhookUrl('not a url')).toBe(false);
  });
});

describe('the hosted inbox in the Worker', () => {
  it('reaches no Node-only module: no files, no node:sqlite, no child process, no esbuild', async () => {
    const result = await build({
      entryPoints: [join(root, 'intake/src/hosted/hosted-inbox.ts')],
      absWorkingDir: root,
      bundle: true,
      platform: 'neutral',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      external: ['cloudflare:workers', 'node:*'],
      mainFields: ['module', 'main'],
    });
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    const nodeModules = [...new Set(imports.filter((path) => path.startsWith('node:')))].sort();
    // node:crypto and Buffer work in workerd with nodejs_compat; nothing else Node may be reached.
    expect(nodeModules.filter((path) => !['node:crypto', 'node:buffer'].includes(path))).toEqual([]);
    expect(imports.filter((path) => /(^|\/)(esbuild|child_process)$/.test(path))).toEqual([]);
  });

  it('has no path in a folder the static assets answer before the Worker', async () => {
    const config = await readWranglerConfig(join(root, 'wrangler.jsonc'));
    const first = (config['assets'] as { run_worker_first: string[] }).run_worker_first;
    expect(first[0]).toBe('/*');
    const assetFolders = first.filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1).replace(/\*$/, ''));
    expect(assetFolders.length).toBeGreaterThan(0);

    const dir = await mkdtemp(join(tmpdir(), 'utvag-hosted-routes-'));
    const store = IntakeStore.open(dir);
    try {
      const app = createInboxApp({
        store,
        assets: () => Promise.resolve(null),
        accounts: new Accounts(store, { name: 'Utväg', id: 'localhost', origin: 'http://localhost' }),
        recipients: NO_RECIPIENTS,
        retentionDays: 30,
        log: () => undefined,
      });
      const paths = [...new Set(app.routes.map((route) => route.path))];
      expect(paths).toContain('/');
      const clashes = paths.filter((path) => assetFolders.some((folder) => `${path}/`.startsWith(folder)));
      expect(clashes).toEqual([]);
    } finally {
      store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
