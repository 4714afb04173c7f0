/**
 * The team inbox hosted in the Worker (issue 20) in Chromium: a Worker of
 * its own under wrangler dev, as `npm start` runs it, opens the development
 * recipient's inbox as a Durable Object on its own host
 * (`hosted-development.inkorg.localhost`). Its first administrator takes
 * the one-time link, makes a passkey for that host, makes the team key and
 * keeps the recovery sheet, as in a self-hosted inbox. The session cookie
 * belongs to that host only: the public site never sees it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { inboxTestPort } from '../../../tools/dev/inbox-test-setup.ts';
import { startLocalSystem, type LocalSystem } from '../../../tools/dev/local-system.ts';
import { axe, isUnlocked, vaultChain, virtualAuthenticator } from './inbox-session.ts';

const sitePort = inboxTestPort() + 20;
let system: LocalSystem | undefined;
let root = '';
let link = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  root = await mkdtemp(join(tmpdir(), 'utvag-hosted-browser-'));
  system = await startLocalSystem({
    intakeDir: join(root, 'dev'),
    sitePort,
    intakePort: sitePort + 1,
    persistTo: join(root, 'state'),
    build: false,
    quiet: true,
    startReceiver: false,
    publishKeyStatement: false,
    hostedInbox: { recipient: 'hosted-development', staff: 'Första Admin (development)' },
  });
  link = await system.hostedInboxLink!;
});

test.afterAll(async () => {
  system?.stop();
  await rm(root, { recursive: true, force: true });
});

test('the first administrator of a hosted inbox sets it up on its own host', async ({ browser }) => {
  const origin = new URL(link).origin;
  expect(origin).toBe(`http://hosted-development.inkorg.localhost:${sitePort}`);
  const context = await browser.newContext({ locale: 'sv-SE' });
  const admin = await context.newPage();
  await virtualAuthenticator(admin, true);
  await admin.goto(link);
  await admin.getByRole('button', { name: 'Skapa passkey' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Gör teamets nyckel' })).toBeVisible();
  await admin.getByRole('button', { name: 'Gör nyckeln' }).click();
  await expect(admin.getByRole('region', { name: 'Återställningskod' })).toBeVisible();
  expect((await admin.locator('#recovery-code').innerText()).trim()).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
  await admin.getByLabel('Jag har sparat koden på ett säkert ställe').check();
  await admin.getByRole('button', { name: 'Fortsätt till inkorgen' }).click();
  await admin.waitForURL(`${origin}/`);
  expect(await isUnlocked(admin)).toBe(true);
  // The key made in the browser is kept in the recipient's object (ciphertext and the public half only).
  const chain = await vaultChain(admin);
  expect(chain.generations.map((g) => g.gen)).toEqual([1]);
  expect(chain.keys).toHaveLength(1);
  expect(await axe(admin)).toEqual([]);

  // The session cookie is this inbox's host's alone: not the site's, not another inbox's.
  const cookies = await context.cookies();
  expect(cookies.map((c) => [c.name, c.domain])).toContainEqual(['__Host-utvag_inbox_session', 'hosted-development.inkorg.localhost']);
  expect(await context.cookies(`http://127.0.0.1:${sitePort}/`)).toEqual([]);
  expect(await context.cookies(`http://other-development.inkorg.localhost:${sitePort}/`)).toEqual([]);
  const other = await context.newPage();
  const answer = await other.goto(`http://other-development.inkorg.localhost:${sitePort}/`);
  expect(answer?.status()).toBe(404);
  await context.close();
});
