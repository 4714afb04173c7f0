/**
 * Connecting a municipality in one sitting (issue 20, "Done when" 1), in
 * Chromium, against a Worker of this test's own under wrangler dev:
 *
 *  1. the operator runs `connect -- invite` and hands the link on;
 *  2. the first administrator opens it on the inbox's own host, creates a
 *     passkey (a virtual authenticator with PRF), makes the team's key,
 *     keeps the recovery sheet and saves the Connection page; the inbox
 *     publishes its signed key statement;
 *  3. the operator runs `connect -- approve` (into a copy of the
 *     recipients file) and deploys: the site is built from that file into
 *     a folder of the test's own and the Worker restarted on it, with the
 *     same state (the Durable Object and KV survive, as on Cloudflare);
 *  4. a person sends a request from the form to that municipality ("answer
 *     me here"), the administrator reads it in the hosted inbox and
 *     answers, and the person reads the answer on /sv/svar/ with only the
 *     secret; the municipality's alert address gets a content-free alert;
 *  5. the administrator makes the next key on the inbox's Keys page: the
 *     Worker serves it in /intake-keys.json at once, the next request from
 *     the form is sealed to it and opens in the hosted inbox, with no build;
 *  6. the operator's commands and the administrator's submitted pages are
 *     counted, and must be what README's "Connect a municipality" says.
 *
 * The municipality: facts.md gives a promise only for Stockholm city (first
 * contact within 24 hours, around the clock, 2024) and no address where it
 * is published, so the inbox connected is a development one serving
 * Stockholm (`stockholm-development`, marked as development on every page),
 * as the test recipients are. Every step must succeed: nothing is retried.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import type { Envelope } from '../../../protocol/envelope.ts';
import type { KeySet } from '../../../protocol/key-set.ts';
import { buildSite } from '../../../tools/dev/build-site.ts';
import { startLocalSystem, type LocalSystem } from '../../../tools/dev/local-system.ts';
import { projectEnv } from '../../../tools/dev/run.ts';
import { writeConfigWithServiceLimit } from '../../../tools/dev/wrangler-config.ts';
import { RECIPIENTS_FILE } from '../../../tools/connect/connect.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';
import { isUnlocked, vaultChain, virtualAuthenticator } from '../inbox/inbox-session.ts';

const RECIPIENT = 'stockholm-development';
const MUNICIPALITY = 'stockholm';
const t = useTranslations('sv');

/** What README's "Connect a municipality" states: steps, and the commands and pages in them. */
async function readmeCounts(): Promise<{ operator: { steps: number; commands: number }; admin: { steps: number; pages: number } }> {
  const readme = await readFile('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Connect a municipality'));
  const operator = /\*\*The operator \((\d+) steps, (\d+) commands[^)]*\):\*\*/.exec(section);
  const admin = /\*\*The first administrator \((\d+) steps, (\d+) pages submitted, in a browser\):\*\*/.exec(section);
  if (!operator || !admin) throw new Error('README\'s "Connect a municipality" no longer states the steps as this test reads them');
  // The numbered list under each heading has as many items as the heading says.
  const listAfter = (heading: string) => {
    const lines = section.slice(section.indexOf(heading) + heading.length).split('\n');
    const list = lines.slice(lines.findIndex((line) => /^1\. /.test(line)));
    return list
      .slice(
        0,
        list.findIndex((line) => line.trim() !== '' && !/^(\d+\. |\s)/.test(line)),
      )
      .filter((line) => /^\d+\. /.test(line)).length;
  };
  expect(listAfter(operator[0]), 'the operator’s numbered steps in README').toBe(Number(operator[1]));
  expect(listAfter(admin[0]), 'the administrator’s numbered steps in README').toBe(Number(admin[1]));
  return {
    operator: { steps: Number(operator[1]), commands: Number(operator[2]) },
    admin: { steps: Number(admin[1]), pages: Number(admin[2]) },
  };
}

async function freePort(): Promise<number> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

let root = '';
let configRoot = '';
/** The Worker's own lines (it logs no content), shown when the test fails. */
const workerOutput: string[] = [];
let system: LocalSystem | undefined;
let webhook: ReturnType<typeof createHttpServer> | undefined;

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  await testInfo.attach('worker output', { body: workerOutput.join('') });
  console.error(workerOutput.join('').slice(-4000));
});

test.afterAll(async () => {
  system?.stop();
  webhook?.close();
  if (root) await rm(root, { recursive: true, force: true });
  if (configRoot) await rm(configRoot, { recursive: true, force: true });
});

test('an operator and a first administrator connect a municipality; its first request is answered, and a key made later is used at once', async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const expected = await readmeCounts();
  root = await mkdtemp(join(tmpdir(), 'utvag-connect-flow-'));
  const recipientsFile = join(root, 'recipients.json');
  // The operator's own recipients file, as the repository has it (no recipient is live yet).
  await copyFile(RECIPIENTS_FILE, recipientsFile);
  const [sitePort, intakePort] = [await freePort(), await freePort()];
  const site = `http://127.0.0.1:${sitePort}`;
  const operatorToken = randomBytes(32).toString('base64url');
  // The wrangler configs live in the project (wrangler resolves the Worker from there); the state in the temp folder.
  configRoot = join('.wrangler', `connect-flow-${sitePort}`);
  const worker = async (assetsDir?: string) => {
    const dir = join(configRoot, assetsDir ? 'built' : 'first');
    await mkdir(dir, { recursive: true });
    return startLocalSystem({
      wranglerConfig: await writeConfigWithServiceLimit(dir, 100_000, assetsDir),
      intakeDir: join(root, 'intake'),
      sitePort,
      intakePort,
      persistTo: join(root, 'state'),
      build: false,
      quiet: true,
      startReceiver: false,
      publishKeyStatement: false,
      extraWorkerEnv: { OPERATOR_TOKEN: operatorToken },
      onWorkerOutput: (text) => workerOutput.push(text),
    });
  };

  // The municipality's alert address: a listener on this machine, which keeps every body it gets.
  const alerts: string[] = [];
  webhook = createHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => (alerts.push(body), response.end()));
  });
  webhook.listen(0, '127.0.0.1');
  await once(webhook, 'listening');
  const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/utvag-alert`;

  // What the operator does: each command counted.
  const operatorCommands: string[] = [];
  const operatorSteps: string[] = [];
  const connect = async (...args: string[]): Promise<string> => {
    operatorCommands.push(`connect ${args[0]}`);
    const { stdout } = await promisify(execFile)('node', ['tools/connect/connect.ts', ...args], {
      env: projectEnv({ UTVAG_SITE_URL: site, OPERATOR_TOKEN: operatorToken }),
    });
    return stdout;
  };
  // What the administrator does: each page submitted counted.
  const adminPages: string[] = [];
  const adminSteps: string[] = [];
  const submit = async (page: Page, button: string) => {
    adminPages.push(button);
    await page.getByRole('button', { name: button }).click();
  };

  await test.step('the Worker runs, with the operator secret', async () => {
    system = await worker();
  });

  let link = '';
  await test.step('operator: connect -- invite, and the link goes to the administrator', async () => {
    operatorSteps.push('invite');
    const printed = await connect('invite', RECIPIENT, '--name', 'Första Admin');
    link = /^(http:\/\/\S+\/invite\/\S+)$/m.exec(printed)?.[1] ?? '';
    expect(new URL(link).origin).toBe(`http://${RECIPIENT}.inkorg.localhost:${sitePort}`);
    operatorSteps.push('send the link');
  });
  const origin = new URL(link).origin;

  const adminContext = await browser.newContext({ locale: 'sv-SE' });
  const admin = await adminContext.newPage();
  await test.step('administrator: a passkey, the team key, the recovery sheet', async () => {
    await virtualAuthenticator(admin, true);
    adminSteps.push('passkey');
    await admin.goto(link);
    await submit(admin, 'Skapa passkey');
    await expect(admin.getByRole('heading', { level: 1, name: 'Gör teamets nyckel' })).toBeVisible();
    adminSteps.push('vault');
    await submit(admin, 'Gör nyckeln');
    await expect(admin.getByRole('region', { name: 'Återställningskod' })).toBeVisible();
    await admin.getByLabel('Jag har sparat koden på ett säkert ställe').check();
    await submit(admin, 'Fortsätt till inkorgen');
    await admin.waitForURL(`${origin}/`);
    expect(await isUnlocked(admin)).toBe(true);
  });

  await test.step('administrator: the Connection page (Stockholm city’s promise, from facts.md)', async () => {
    adminSteps.push('connection');
    await admin.getByRole('navigation').getByRole('link', { name: 'Anslutning' }).click();
    await admin.getByLabel('Första kontakt inom (timmar)').fill('24');
    await admin.getByLabel('Dygnet runt').check();
    await admin.locator('#madeBy_sv').fill('Stockholms stad');
    await admin.getByLabel(/^Sedan när/).fill('2024');
    await admin.getByLabel('Var löftet är publicerat: namn på källan').fill('Stockholms stad');
    await admin.getByLabel('Källans år').fill('2024');
    await admin.getByLabel('Nummer', { exact: true }).fill('08-508 25 600');
    await admin.getByLabel('Vems nummer det är').fill('Stockholms stads socialrådgivning');
    await admin.getByLabel('Adress för larm (https://)').fill(webhookUrl);
    await submit(admin, 'Spara');
    await expect(admin.getByRole('status').filter({ hasText: 'Sparat.' })).toBeVisible();
    adminSteps.push('tell the operator');
  });

  await test.step('operator: connect -- approve, and the deploy (the site built anew, the Worker restarted on it)', async () => {
    operatorSteps.push('approve');
    const printed = await connect('approve', RECIPIENT, '--file', recipientsFile);
    expect(printed).toContain(`Written to ${recipientsFile}.`);
    const written = JSON.parse(await readFile(recipientsFile, 'utf8')) as { recipients: Record<string, unknown>[] };
    expect(written.recipients).toEqual([
      expect.objectContaining({ id: RECIPIENT, development: true, hosted: true, serves: [MUNICIPALITY], phone: expect.anything() }),
    ]);

    operatorSteps.push('deploy');
    operatorCommands.push('deploy');
    const built = join(root, 'dist');
    // A build of the test's own: dist/ and the Worker's inbox module, which other tests use, stay as they are.
    expect(await buildSite({ UTVAG_RECIPIENTS: recipientsFile }, { outDir: built, hostedAssets: false, quiet: true })).toBe(0);
    const stopped = system!.children.filter((child) => child.exitCode === null).map((child) => once(child, 'exit'));
    system!.stop();
    await Promise.all(stopped);
    system = await worker(built);
  });

  /** A person's request to Stockholm from the form, "answer me here": its secret, and the kid the browser sealed it to. */
  const sendFromForm = async (message: string): Promise<{ secret: string; kid: string }> => {
    const person = await (await browser.newContext({ locale: 'sv-SE', baseURL: site, serviceWorkers: 'block' })).newPage();
    let sent: Envelope | null = null;
    await person.route('**/api/contact', async (route) => {
      sent = route.request().postDataJSON() as Envelope;
      await route.continue();
    });
    await person.goto('/sv/kontakt/');
    await person.locator('#municipality').selectOption(MUNICIPALITY);
    await person.getByLabel(t('form.method.here')).check();
    await person.locator('#message').fill(message);
    await person.getByRole('button', { name: t('form.submit') }).click();
    await expect(person.getByRole('heading', { name: t('receipt.title') })).toBeVisible({ timeout: 20_000 });
    const secret = (await person.locator('[data-receipt-secret-value]').textContent())!.trim();
    await person.context().close();
    return { secret, kid: (sent as Envelope | null)?.kid ?? '' };
  };

  const MESSAGE = `Jag vill komma ur det här. ${randomBytes(6).toString('hex')}`;
  const REPLY = `Vi ringer inte. Skriv här när du vill. ${randomBytes(6).toString('hex')}`;
  let secret = '';
  await test.step('a person sends a request to Stockholm from the form, "answer me here"', async () => {
    ({ secret } = await sendFromForm(MESSAGE));
    expect(secret).toMatch(/^\d{4}( \d{4}){4}$/);
  });

  await test.step('the administrator reads it in the hosted inbox and answers', async () => {
    const open = admin.locator('table.requests a[href^="/r/"]');
    await expect(async () => {
      await admin.goto(`${origin}/`);
      await expect(open).toHaveCount(1, { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await open.click();
    await expect(admin.getByText(MESSAGE)).toBeVisible();
    await admin.getByRole('button', { name: 'Ta förfrågan' }).click();
    await expect(admin.getByRole('status')).toContainText('Du har tagit förfrågan.');
    const section = admin.locator('section.reply-place');
    await section.getByLabel('Vi har fått din förfrågan.').check();
    await section.getByLabel('Egen text (valfri)').fill(REPLY);
    await section.getByRole('button', { name: 'Lås och skicka svaret' }).click();
    await expect(admin.getByRole('status')).toContainText('Svaret är skickat till webbplatsen.');
  });

  await test.step('the person reads the answer on /sv/svar/ with only the secret', async () => {
    const reader = await browser.newContext({ locale: 'sv-SE', baseURL: site, serviceWorkers: 'block' });
    const page = await reader.newPage();
    await page.goto('/sv/svar/');
    await page.getByLabel(t('replyPage.secret.label')).fill(secret);
    await page.getByRole('button', { name: t('replyPage.submit') }).click();
    const answer = page.locator('.reply-answer');
    await expect(answer).toBeVisible({ timeout: 20_000 });
    await expect(answer.getByText(REPLY)).toBeVisible();
    await expect(answer.getByRole('heading')).toContainText('Stockholm');
    await reader.close();
  });

  await test.step('the alert address got a content-free alert of the new request', async () => {
    await expect.poll(() => alerts.map((body) => (JSON.parse(body) as { event?: string }).event), { timeout: 20_000 }).toContain('new');
    for (const body of alerts) {
      expect(body).not.toContain(MESSAGE);
      expect(body).not.toContain(REPLY);
    }
  });

  const NEXT_MESSAGE = `Jag skriver igen, till den nya nyckeln. ${randomBytes(6).toString('hex')}`;
  await test.step('administrator: the next key on the Keys page; the next request is sealed to it and opens here, with no build', async () => {
    // Not a step of connecting: clicked, not counted.
    await admin.goto(`${origin}/keys`);
    await admin.getByRole('button', { name: 'Gör nästa nyckel' }).click();
    await admin.waitForURL(`${origin}/keys?m=keyMade`);
    await expect(admin.locator('[data-statement="published"]')).toContainText('Publicerad på webbplatsen');
    const [next, first] = (await vaultChain(admin)).keys;
    // Read once, not polled: the Worker keeps its key set a minute per isolate, but the statement's
    // POST went through it, and it forgot its copy then (functions/hosted-inboxes.ts). The person's
    // request above loaded that copy seconds ago, so a Worker that did not forget serves the old keys.
    const served = ((await (await admin.request.get(`${site}/intake-keys.json`)).json()) as KeySet).keys
      .filter((key) => key.recipient === RECIPIENT)
      .map((key) => key.kid);
    expect(served).toEqual(expect.arrayContaining([next!.kid, first!.kid]));

    expect((await sendFromForm(NEXT_MESSAGE)).kid).toBe(next!.kid);
    // Delivered by the queue into the object, and opened there with the new key.
    const unclaimed = admin.locator('table.requests tbody tr', { hasNotText: 'Första Admin' });
    await expect(async () => {
      await admin.goto(`${origin}/`);
      await expect(unclaimed).toHaveCount(1, { timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
    await unclaimed.getByRole('link', { name: /Öppna/ }).click();
    await expect(admin.getByText(NEXT_MESSAGE)).toBeVisible();
  });
  await adminContext.close();

  await test.step('the steps counted are the ones README states', async () => {
    expect({ steps: operatorSteps.length, commands: operatorCommands.length }).toEqual(expected.operator);
    expect({ steps: adminSteps.length, pages: adminPages.length }).toEqual(expected.admin);
  });
});
