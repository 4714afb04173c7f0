/**
 * The recipient's identity key in the vault and the key statements it
 * signs (issue 20), through app.request(): the identity key is boxed under
 * V and opens only with it; an administrator makes it once; a statement
 * signed in the browser is checked against the identity key the inbox
 * holds (a forged, stale or foreign one is refused, and so is one naming a
 * key the inbox does not hold), kept, and published through the
 * `publishStatement` option, which retries while the site is down.
 * Runs in both homes (vitest.config.ts INBOX_ON_BOTH_HOMES).
 */
import { parse } from 'node-html-parser';
import { describe, expect } from 'vitest';
import { it } from './backend.ts';
import { generateIdentityKey, exportIdentityKey, signKeyStatement, type KeyStatement } from '../../protocol/key-statement.ts';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { publishLatestStatement, sitePublisher, type PublishAnswer, type PublishStatement } from '../src/statement-outbox.ts';
import { newIdentityKey, unwrapIdentityKey, wrapIdentityKey, type IdentityJwk } from '../src/team-vault/identity-key.ts';
import { newVaultKeyBytes, vaultKeysFrom, type VaultKeys } from '../src/team-vault/vault-key.ts';
import { wrapRecipientKey } from '../src/team-vault/recipient-keys.ts';
import { VaultCryptoError } from '../src/team-vault/errors.ts';
import { setUp, sv } from './inbox-helpers.ts';

const RECIPIENT = 'stockholm-development';

/** A team inbox for RECIPIENT with an administrator and a member; publishing as `publish` says. */
async function inbox(publish?: PublishStatement) {
  const setup = await setUp({ recipient: RECIPIENT, ...(publish ? { publishStatement: publish } : {}) });
  const admin = setup.person('Anna', 'admin');
  const staff = setup.person('Bo', 'staff');
  /** The identity key as the keys page's browser makes it, sent to the inbox. */
  const makeIdentity = async (vault: VaultKeys = setup.intake.vault) => {
    const made = await newIdentityKey(vault);
    const answer = await setup.api('/api/vault/identity', admin, { gen: 1, publicKey: made.publicKey, wrapped: made.wrapped });
    return { made, answer };
  };
  const held = () => setup.store.vault.keys().map((key) => ({ publicKey: key.publicKey, notAfter: key.notAfter }));
  /** A statement as the browser signs it. */
  const statement = (sign: CryptoKey, identityKey: string, over: Partial<KeyStatement> = {}, issued = new Date()) =>
    signKeyStatement({ v: 1, recipient: RECIPIENT, identityKey, issued: issued.toISOString(), keys: held(), ...over }, sign);
  return { ...setup, admin, staff, makeIdentity, held, statement };
}

const errorOf = async (res: Response) => ((await res.json()) as { error?: string }).error;

describe('the identity key in the vault', () => {
  it('opens only with the V it was boxed under, and only in the row of its own public key', async () => {
    const vault = await vaultKeysFrom(newVaultKeyBytes(), 1);
    const made = await newIdentityKey(vault);
    const sign = await unwrapIdentityKey(vault, made);
    const signed = await signKeyStatement(
      { v: 1, recipient: RECIPIENT, identityKey: made.publicKey, issued: new Date().toISOString(), keys: [] },
      sign,
    );
    // The key that opens is the one the public key names: its signature verifies with the made key's.
    const check = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      await crypto.subtle.importKey('raw', Buffer.from(made.publicKey, 'base64url'), { name: 'ECDSA', namedCurve: 'P-256' }, false, [
        'verify',
      ]),
      Buffer.from(signed.sig, 'base64url'),
      new TextEncoder().encode(`utvag/key-statement/v1.${JSON.stringify({ ...signed, sig: undefined })}`),
    );
    expect(check).toBe(true);
    expect(sign.extractable).toBe(false);

    const other = await vaultKeysFrom(newVaultKeyBytes(), 1);
    await expect(unwrapIdentityKey(other, made)).rejects.toMatchObject({ code: 'wrong_key' });
    const elsewhere = await newIdentityKey(vault);
    await expect(unwrapIdentityKey(vault, { publicKey: elsewhere.publicKey, wrapped: made.wrapped })).rejects.toBeInstanceOf(
      VaultCryptoError,
    );
  });

  it('wraps a key made elsewhere (a development vault) under the same rule', async () => {
    const vault = await vaultKeysFrom(newVaultKeyBytes(), 1);
    const pair = await generateIdentityKey();
    const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as IdentityJwk;
    const wrapped = await wrapIdentityKey(vault, jwk);
    expect(wrapped.publicKey).toBe(await exportIdentityKey(pair.publicKey));
    await expect(unwrapIdentityKey(vault, wrapped)).resolves.toBeDefined();
  });
});

describe('POST /api/vault/identity', () => {
  it('takes the identity key once, from an administrator, for the newest generation', async () => {
    const { api, staff, admin, makeIdentity, store, intake, auditActions } = await inbox();
    const made = await newIdentityKey(intake.vault);
    expect((await api('/api/vault/identity', staff, { gen: 1, publicKey: made.publicKey, wrapped: made.wrapped })).status).toBe(403);
    expect((await api('/api/vault/identity', admin, { gen: 2, publicKey: made.publicKey, wrapped: made.wrapped })).status).toBe(409);
    // Not a point on the curve.
    const notAPoint = `BA${'A'.repeat(85)}`;
    expect((await api('/api/vault/identity', admin, { gen: 1, publicKey: notAPoint, wrapped: made.wrapped })).status).toBe(400);
    const first = await makeIdentity();
    expect(first.answer.status).toBe(201);
    expect(await first.answer.json()).toEqual({ ok: true, fingerprint: first.made.fingerprint });
    expect(store.vault.identity()).toMatchObject({ publicKey: first.made.publicKey, gen: 1 });
    const second = await makeIdentity();
    expect(second.answer.status).toBe(409);
    expect(await errorOf(second.answer)).toBe('identity_exists');
    expect(store.vault.identity()?.publicKey).toBe(first.made.publicKey);
    expect(auditActions()).toContain(`staff:${admin.id} identity_made fp:${first.made.fingerprint.slice(0, 8)}`);
  });

  it('is refused at setup when the setup carries no identity key', async () => {
    const setup = await setUp({ recipient: RECIPIENT }, { vault: false });
    const admin = setup.person('Anna', 'admin');
    const answer = await setup.api('/api/vault/setup', admin, { recoveryPublicKey: 'x', recovery: {}, grant: {}, keys: [] });
    expect(answer.status).toBe(400);
  });
});

describe('POST /api/vault/statement', () => {
  it('keeps a statement signed by the identity key it holds, of keys it holds, and publishes it', async () => {
    const published: KeyStatement[] = [];
    const { api, admin, makeIdentity, statement, store, auditActions } = await inbox(async (s) => (published.push(s), { ok: true }));
    const { made } = await makeIdentity();
    const signed = await statement(made.sign, made.publicKey);
    const answer = await api('/api/vault/statement', admin, signed);
    expect(answer.status).toBe(201);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await answer.json()).toEqual({ ok: true, state: 'published' });
    expect(published).toEqual([signed]);
    expect(store.vault.latestStatement()).toMatchObject({ statement: signed, state: 'published', attempts: 1, problem: null });
    expect(auditActions()).toContain(`staff:${admin.id} key_statement keys:1`);
  });

  it('refuses a forged, foreign or stale statement, and one from a member who is not an administrator', async () => {
    const { api, admin, staff, makeIdentity, statement, store } = await inbox();
    const { made } = await makeIdentity();
    const good = await statement(made.sign, made.publicKey);
    const post = (body: unknown, who = admin) => api('/api/vault/statement', who, body);

    expect((await post(good, staff)).status).toBe(403);
    // Another key in the list after signing: the signature no longer covers it.
    const pair = await generateRecipientKeyPair();
    const forged = { ...good, keys: [...good.keys, { publicKey: pair.publicKey, notAfter: '2099-12-31' }] };
    expect(await errorOf(await post(forged))).toBe('bad_signature');
    // Signed by another identity key, naming itself: not the one this inbox holds.
    const stranger = await generateIdentityKey();
    const strangerKey = await exportIdentityKey(stranger.publicKey);
    expect(await errorOf(await post(await statement(stranger.privateKey, strangerKey)))).toBe('wrong_identity');
    // The right key, but for another recipient.
    expect(await errorOf(await post(await statement(made.sign, made.publicKey, { recipient: 'goteborg' })))).toBe('wrong_identity');
    expect(await errorOf(await post({ ...good, sig: 'x' }))).toBe('bad_request');
    expect(store.vault.latestStatement()).toBeNull();

    expect((await post(good)).status).toBe(201);
    const again = await post(good);
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toBe('stale_statement');
    const older = await statement(made.sign, made.publicKey, {}, new Date(Date.now() - 60_000));
    expect(await errorOf(await post(older))).toBe('stale_statement');
    const future = await statement(made.sign, made.publicKey, {}, new Date(Date.now() + 3_600_000));
    expect(await errorOf(await post(future))).toBe('future_statement');
    expect(store.vault.latestStatement()?.statement).toEqual(good);
  });

  it('refuses a statement naming a key the inbox does not hold, or one it retired', async () => {
    const { api, admin, makeIdentity, statement, store, intake, held } = await inbox();
    const { made } = await makeIdentity();
    const pair = await generateRecipientKeyPair();
    const notHeld = await statement(made.sign, made.publicKey, {
      keys: [...held(), { publicKey: pair.publicKey, notAfter: '2099-12-31' }],
    });
    expect(await errorOf(await api('/api/vault/statement', admin, notHeld))).toBe('unknown_key');
    // Another last day than the one the inbox keeps for its key.
    const longer = await statement(made.sign, made.publicKey, { keys: [{ publicKey: held()[0]!.publicKey, notAfter: '2100-01-01' }] });
    expect(await errorOf(await api('/api/vault/statement', admin, longer))).toBe('unknown_key');
    // A retired key is no longer published.
    const wrapped = await wrapRecipientKey(intake.vault, pair.kid, pair.privateJwk);
    store.vault.addKey(1, { kid: pair.kid, publicKey: pair.publicKey, notAfter: '2099-06-30', wrapped }, new Date());
    store.vault.retireKey(intake.kid, new Date());
    const withRetired = await statement(made.sign, made.publicKey, {
      keys: [
        { publicKey: intake.publicKey, notAfter: '2099-12-31' },
        { publicKey: pair.publicKey, notAfter: '2099-06-30' },
      ],
    });
    expect(await errorOf(await api('/api/vault/statement', admin, withRetired))).toBe('unknown_key');
    const current = await statement(made.sign, made.publicKey, { keys: [{ publicKey: pair.publicKey, notAfter: '2099-06-30' }] });
    expect((await api('/api/vault/statement', admin, current)).status).toBe(201);
  });

  it('says why it cannot take one: no identity key yet', async () => {
    const { api, admin, statement } = await inbox();
    const made = await newIdentityKey(await vaultKeysFrom(newVaultKeyBytes(), 1));
    expect(await errorOf(await api('/api/vault/statement', admin, await statement(made.sign, made.publicKey)))).toBe('no_identity');
  });

  it('says why it cannot take one: an inbox that knows no recipient id signs nothing', async () => {
    const { api, person, intake } = await setUp();
    const made = await newIdentityKey(intake.vault);
    const signed = await signKeyStatement(
      {
        v: 1,
        recipient: RECIPIENT,
        identityKey: made.publicKey,
        issued: new Date().toISOString(),
        keys: [{ publicKey: intake.publicKey, notAfter: '2099-12-31' }],
      },
      made.sign,
    );
    expect(await errorOf(await api('/api/vault/statement', person('Anna', 'admin'), signed))).toBe('no_recipient');
  });
});

describe('publishing statements', () => {
  it('waits while the site is down, then publishes; a refusal is kept with its reason', async () => {
    let answers: PublishAnswer[] = [{ ok: false, retry: true, problem: 'unavailable' }];
    const publish: PublishStatement = async () => answers.shift() ?? { ok: true };
    const { api, admin, makeIdentity, statement, store } = await inbox(publish);
    const { made } = await makeIdentity();
    expect(await (await api('/api/vault/statement', admin, await statement(made.sign, made.publicKey))).json()).toEqual({
      ok: true,
      state: 'waiting',
    });
    expect(store.vault.latestStatement()).toMatchObject({ state: 'waiting', problem: 'unavailable', attempts: 1 });
    expect(await publishLatestStatement(store.vault, publish)).toBe('published');
    expect(store.vault.latestStatement()).toMatchObject({ state: 'published', problem: null, attempts: 2 });
    // Published stays published: nothing is sent twice.
    answers = [{ ok: false, retry: false, problem: 'wrong_identity' }];
    expect(await publishLatestStatement(store.vault, publish)).toBe('published');

    const next = await statement(made.sign, made.publicKey, {}, new Date(Date.now() + 1000));
    await api('/api/vault/statement', admin, next);
    expect(store.vault.latestStatement()).toMatchObject({ state: 'refused', problem: 'wrong_identity' });
  });

  it('supersedes a waiting statement with a newer one: only the newest is ever published', async () => {
    const sent: string[] = [];
    const down: PublishStatement = async (s) => (sent.push(s.issued), { ok: false, retry: true, problem: 'network' });
    const { api, admin, makeIdentity, statement, store } = await inbox(down);
    const { made } = await makeIdentity();
    const first = await statement(made.sign, made.publicKey, {}, new Date(Date.now() - 2000));
    const second = await statement(made.sign, made.publicKey, {}, new Date(Date.now() - 1000));
    await api('/api/vault/statement', admin, first);
    await api('/api/vault/statement', admin, second);
    const states = store.db.prepare('SELECT issued, state FROM key_statements ORDER BY issued').all();
    expect(states).toEqual([
      { issued: first.issued, state: 'superseded' },
      { issued: second.issued, state: 'waiting' },
    ]);
    expect(await publishLatestStatement(store.vault, down)).toBe('waiting');
    expect(sent).toEqual([first.issued, second.issued, second.issued]);
  });

  it("self-hosted: PUTs to the site's /api/key-statement and reads its answers", async () => {
    const vault = await vaultKeysFrom(newVaultKeyBytes(), 1);
    const made = await newIdentityKey(vault);
    const pair = await generateRecipientKeyPair();
    const signed = await signKeyStatement(
      {
        v: 1,
        recipient: RECIPIENT,
        identityKey: made.publicKey,
        issued: new Date().toISOString(),
        keys: [{ publicKey: pair.publicKey, notAfter: '2099-12-31' }],
      },
      made.sign,
    );
    const calls: string[] = [];
    const site =
      (put: Response, keySet: unknown = { statements: [] }): typeof fetch =>
      async (input: string | URL | Request, init?: RequestInit) => {
        calls.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
        return init?.method === 'PUT' ? put : Response.json(keySet);
      };
    const json = (status: number, error: string) => Response.json({ error }, { status });
    expect(await sitePublisher('https://site.example', site(new Response(null, { status: 204 })))(signed)).toEqual({ ok: true });
    expect(calls).toEqual(['PUT /api/key-statement']);
    expect(await sitePublisher('https://site.example', site(json(503, 'unavailable')))(signed)).toEqual({
      ok: false,
      retry: true,
      problem: 'unavailable',
    });
    // Not connected yet (the operator has not approved it): it waits.
    expect(await sitePublisher('https://site.example', site(json(404, 'unknown_recipient')))(signed)).toMatchObject({ retry: true });
    expect(await sitePublisher('https://site.example', site(json(403, 'wrong_identity')))(signed)).toEqual({
      ok: false,
      retry: false,
      problem: 'wrong_identity',
    });
    // A 409 after an answer that was lost: published if the site serves this very statement.
    expect(await sitePublisher('https://site.example', site(json(409, 'stale_statement'), { statements: [signed] }))(signed)).toEqual({
      ok: true,
    });
    expect(await sitePublisher('https://site.example', site(json(409, 'stale_statement')))(signed)).toMatchObject({
      ok: false,
      retry: false,
    });
    const offline = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    await expect(sitePublisher('https://site.example', offline)(signed)).rejects.toThrow();
  });
});

describe('the keys page', () => {
  it('shows the identity key, its fingerprint and whether the site has the newest list', async () => {
    const { get, api, admin, makeIdentity, statement, store, intake } = await inbox();
    const before = parse(await (await get('/keys', admin)).text());
    expect(before.querySelector('#identity-make')).not.toBeNull();
    expect(before.querySelector('#identity-fingerprint')).toBeNull();

    const { made } = await makeIdentity();
    let page = parse(await (await get('/keys', admin)).text());
    expect(page.querySelector('#identity-make')).toBeNull();
    expect(page.querySelector('#identity-fingerprint')!.text).toBe(made.fingerprint);
    expect(page.querySelector('[data-statement]')!.text).toBe(sv.statementNone);

    await api('/api/vault/statement', admin, await statement(made.sign, made.publicKey));
    page = parse(await (await get('/keys', admin)).text());
    // No way to publish: it waits, and the page says why.
    expect(page.querySelector('[data-statement="waiting"]')!.text).toBe(sv.statementNoSite);
    expect(page.querySelector('[data-statement-outdated]')).toBeNull();
    store.vault.markStatement(store.vault.latestStatement()!.statement.issued, 'published', null, new Date());
    page = parse(await (await get('/keys', admin)).text());
    expect(page.querySelector('[data-statement="published"]')!.text).toContain(sv.statementPublished);

    // A key made since: the list on the site is no longer the current one.
    const pair = await generateRecipientKeyPair();
    const wrapped = await wrapRecipientKey(intake.vault, pair.kid, pair.privateJwk);
    store.vault.addKey(1, { kid: pair.kid, publicKey: pair.publicKey, notAfter: '2099-06-30', wrapped }, new Date());
    page = parse(await (await get('/keys', admin)).text());
    expect(page.querySelector('[data-statement-outdated]')!.text).toBe(sv.statementOutdated);
  });
});
