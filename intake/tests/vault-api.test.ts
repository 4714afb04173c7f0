/**
 * The vault's JSON API (issue 19) through app.request(): who may write
 * which vault row, that every body is checked and every answer is
 * no-store, and that a removal either stores a whole new generation or
 * nothing. The crypto is the real team-vault module, as a browser runs it.
 */
import { parse } from 'node-html-parser';
import { describe, expect } from 'vitest';
import { it } from './backend.ts';
import { codeLikeWords } from './code-like.ts';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { VaultTables } from '../src/store/vault.ts';
import { openPrevious, sealPrevious } from '../src/team-vault/chain.ts';
import { openGrant, sealGrant } from '../src/team-vault/grants.ts';
import { newMemberKey, unlockKeyFromPrf } from '../src/team-vault/member-key.ts';
import { newRecoveryCode, recoveryKeyPair } from '../src/team-vault/recovery.ts';
import { unwrapRecipientKey, wrapRecipientKey } from '../src/team-vault/recipient-keys.ts';
import { newVaultKeyBytes, vaultKeysFrom, type VaultKeys } from '../src/team-vault/vault-key.ts';
import { newIdentityKey } from '../src/team-vault/identity-key.ts';
import { setUp, type Person } from './inbox-helpers.ts';

/** The recipient's identity key as the setup page makes it (issue 20): public point and box. */
async function identityBody(vaultKey: Uint8Array) {
  const { publicKey, wrapped } = await newIdentityKey(await vaultKeysFrom(vaultKey, 1));
  return { publicKey, wrapped };
}

async function inbox() {
  const setup = await setUp({}, { vault: false });
  const json = (path: string, who: Person | undefined, body: unknown, csrf: string | null = who?.csrf ?? null) =>
    setup.app.request(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        'sec-fetch-site': 'same-origin',
        ...(csrf === null ? {} : { 'x-csrf-token': csrf }),
        ...(who ? { cookie: who.cookie } : {}),
      },
    });
  /** A member's own key, made as the browser makes it (PRF path); returns the private half. */
  const memberKey = async (who: Person) => {
    const made = await newMemberKey(who.id, await unlockKeyFromPrf(crypto.getRandomValues(new Uint8Array(32))), 'prf');
    expect((await json('/api/member-key', who, { publicKey: made.publicKey, unlock: made.unlock })).status).toBe(201);
    return made;
  };
  const newKey = async (vault: VaultKeys) => {
    const pair = await generateRecipientKeyPair();
    return {
      kid: pair.kid,
      publicKey: pair.publicKey,
      notAfter: '2099-12-31',
      wrapped: await wrapRecipientKey(vault, pair.kid, pair.privateJwk),
    };
  };
  /** The first administrator's setup; returns V, the recovery code and the admin's private key. */
  const setUpVault = async (admin: Person) => {
    const own = await memberKey(admin);
    const vaultKey = newVaultKeyBytes();
    const code = newRecoveryCode();
    const recovery = await recoveryKeyPair(code);
    const answer = await json('/api/vault/setup', admin, {
      recoveryPublicKey: recovery.publicKey,
      recovery: await sealGrant(vaultKey, 1, recovery.publicKey, 'recovery'),
      grant: await sealGrant(vaultKey, 1, own.publicKey, `member:${admin.id}`),
      keys: [await newKey(await vaultKeysFrom(vaultKey, 1))],
      identity: await identityBody(vaultKey),
    });
    expect(answer.status).toBe(201);
    return { vaultKey, code, recovery, own };
  };
  return { ...setup, json, memberKey, setUpVault, newKey, vault: new VaultTables(setup.store) };
}

describe('the vault API', () => {
  it('answers only a signed-in member, never cached, and takes JSON only with the CSRF header', async () => {
    const { get, json, person } = await inbox();
    expect((await get('/api/vault')).status).toBe(401);
    const anna = person('Anna', 'staff');
    const answer = await get('/api/vault', anna);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(await answer.json()).toEqual({
      staffId: anna.id,
      role: 'staff',
      confirmed: true,
      memberKey: null,
      grant: null,
      latestGen: null,
      recoveryPublicKey: null,
      recipient: null,
    });
    expect((await json('/api/member-key', anna, {}, null)).status).toBe(403);
    expect((await json('/api/member-key', anna, {}, 'not-the-token')).status).toBe(403);
    expect((await json('/api/member-key', anna, { publicKey: 'x', unlock: {} })).status).toBe(400);
  });

  it('gives each session its own unlock key, the same on every page load', async () => {
    const { get, person } = await inbox();
    const anna = person('Anna', 'staff');
    const bo = person('Bo', 'staff');
    const first = ((await (await get('/api/session-key', anna)).json()) as { key: string }).key;
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(((await (await get('/api/session-key', anna)).json()) as { key: string }).key).toBe(first);
    expect(((await (await get('/api/session-key', bo)).json()) as { key: string }).key).not.toBe(first);
  });

  it('takes a member key once; someone not yet confirmed may make theirs but reach nothing else', async () => {
    const { accounts, get, json, memberKey, person, store, auditActions } = await inbox();
    const anna = person('Anna', 'staff');
    store.db.prepare('UPDATE staff SET confirmed_at = NULL WHERE id = ?').run(anna.id);
    expect(accounts.staff(anna.id)!.confirmedAt).toBeNull();
    const made = await memberKey(anna);
    expect((await json('/api/member-key', anna, { publicKey: made.publicKey, unlock: made.unlock })).status).toBe(409);
    expect(((await (await get('/api/vault', anna)).json()) as { memberKey: unknown }).memberKey).toEqual({
      publicKey: made.publicKey,
      unlock: made.unlock,
    });
    expect((await get('/api/vault/chain', anna)).status).toBe(403);
    expect(auditActions()).toContain(`staff:${anna.id} member_key prf`);
  });

  it('lets only an administrator set up, and only once', async () => {
    const { json, person, setUpVault, memberKey, vault } = await inbox();
    const staff = person('Bo', 'staff');
    await memberKey(staff);
    expect((await json('/api/vault/setup', staff, {})).status).toBe(403);
    const admin = person('Anna', 'admin');
    const { vaultKey, recovery } = await setUpVault(admin);
    expect(vault.latestGen()).toBe(1);
    const again = await json('/api/vault/setup', admin, {
      recoveryPublicKey: recovery.publicKey,
      recovery: await sealGrant(vaultKey, 1, recovery.publicKey, 'recovery'),
      grant: vault.grant(admin.id),
      keys: vault.chain().keys.map(({ kid, publicKey, notAfter, wrapped }) => ({ kid, publicKey, notAfter, wrapped })),
      identity: await identityBody(vaultKey),
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'vault_exists' });
  });

  it('gives access from an administrator only, to a member with a key, for the newest generation; this confirms them', async () => {
    const { accounts, json, person, memberKey, setUpVault, store, vault } = await inbox();
    const admin = person('Anna', 'admin');
    const { vaultKey } = await setUpVault(admin);
    const bo = person('Bo', 'staff');
    store.db.prepare('UPDATE staff SET confirmed_at = NULL WHERE id = ?').run(bo.id);
    const other = person('Cia', 'staff');
    expect(
      (
        await json(`/staff/${bo.id}/grant`, other, {
          grant: await sealGrant(vaultKey, 1, (await recoveryKeyPair(newRecoveryCode())).publicKey, 'x'),
        })
      ).status,
    ).toBe(403);
    const noKeyYet = await json(`/staff/${bo.id}/grant`, admin, { grant: await sealGrant(vaultKey, 1, vault.recoveryPublicKey()!, 'x') });
    expect(await noKeyYet.json()).toEqual({ error: 'no_member_key' });
    const boKey = await memberKey(bo);
    const stale = await json(`/staff/${bo.id}/grant`, admin, {
      grant: { ...(await sealGrant(vaultKey, 1, boKey.publicKey, `member:${bo.id}`)), gen: 2 },
    });
    expect(await stale.json()).toEqual({ error: 'stale_generation' });
    const grant = await sealGrant(vaultKey, 1, boKey.publicKey, `member:${bo.id}`);
    expect((await json(`/staff/${bo.id}/grant`, admin, { grant })).status).toBe(201);
    expect(accounts.staff(bo.id)!.confirmedAt).not.toBeNull();
    // Bo's own browser opens it; the grant names Bo, so it opens for nobody else's name.
    expect(await openGrant(vault.grant(bo.id)!, boKey.privateKey, `member:${bo.id}`)).toEqual(vaultKey);
    await expect(openGrant(vault.grant(bo.id)!, boKey.privateKey, `member:${admin.id}`)).rejects.toMatchObject({ code: 'wrong_key' });
  });

  it('removes a member with a whole new generation or not at all', async () => {
    const { accounts, get, json, person, post, memberKey, setUpVault, newKey, vault, auditActions } = await inbox();
    const admin = person('Anna', 'admin');
    const { vaultKey, code, own } = await setUpVault(admin);
    const bo = person('Bo', 'staff');
    const cia = person('Cia', 'staff');
    const keys = { [bo.id]: await memberKey(bo), [cia.id]: await memberKey(cia) };
    for (const who of [bo, cia])
      expect(
        (await json(`/staff/${who.id}/grant`, admin, { grant: await sealGrant(vaultKey, 1, keys[who.id]!.publicKey, `member:${who.id}`) }))
          .status,
      ).toBe(201);

    // A plain form post cannot remove someone who holds a grant: that needs a new key.
    expect((await post(`/staff/${bo.id}/remove`, admin)).headers.get('location')).toBe('/staff?m=removeRefused');
    expect(accounts.staff(bo.id)!.removedAt).toBeNull();

    const next = newVaultKeyBytes();
    const nextKeys = await vaultKeysFrom(next, 2);
    const rotation = {
      gen: 2,
      recovery: await sealGrant(next, 2, vault.recoveryPublicKey()!, 'recovery'),
      previous: await sealPrevious(nextKeys, vaultKey, 1),
      grants: [{ staffId: admin.id, grant: await sealGrant(next, 2, own.publicKey, `member:${admin.id}`) }],
      keys: [await newKey(nextKeys)],
    };
    // Cia stays and holds a grant: a payload without hers is refused, and nothing changes.
    const missing = await json(`/staff/${bo.id}/remove`, admin, rotation);
    expect(missing.status).toBe(409);
    expect(await missing.json()).toEqual({ error: 'grants_mismatch' });
    expect(vault.latestGen()).toBe(1);
    expect(accounts.staff(bo.id)!.removedAt).toBeNull();

    rotation.grants.push({ staffId: cia.id, grant: await sealGrant(next, 2, keys[cia.id]!.publicKey, `member:${cia.id}`) });
    expect((await json(`/staff/${bo.id}/remove`, bo, rotation)).status).toBe(403);
    expect((await json(`/staff/${bo.id}/remove`, admin, rotation)).status).toBe(201);
    expect(vault.latestGen()).toBe(2);
    expect(accounts.staff(bo.id)!.removedAt).not.toBeNull();
    expect(vault.grant(bo.id)).toBeNull();
    expect(vault.grant(cia.id)!.gen).toBe(2);
    const chain = vault.chain();
    expect(chain.keys.map((k) => [k.gen, k.retiredAt === null])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(auditActions()).toEqual(
      expect.arrayContaining([`staff:${admin.id} staff_removed staff:${bo.id}`, `staff:${admin.id} vault_rotated gen:2`]),
    );
    // The audit page says it in words: which key, for whom, how a key is unlocked.
    const audit = parse(await (await get('/audit', admin)).text())
      .querySelector('main')!
      .textContent.replace(/\s+/g, ' ');
    expect(audit).toContain('Gjorde en ny nyckel för teamet: nyckel nr 2');
    expect(audit).toContain('Gav åtkomst: Cia (nyckel nr 1)');
    expect(audit).toContain('Gjorde sin nyckel: låses upp med passkey');
    expect(codeLikeWords(audit)).toEqual([]);

    // The recovery code alone reaches both generations and every recipient key.
    const recovery = await recoveryKeyPair(code);
    const v2 = await openGrant(vault.recoveryGrant()!, recovery.privateKey, 'recovery');
    const v1 = await openPrevious(await vaultKeysFrom(v2, 2), chain.generations[0]!.previous!, 1);
    expect(v1).toEqual(vaultKey);
    for (const key of chain.keys) await unwrapRecipientKey(await vaultKeysFrom(key.gen === 2 ? v2 : v1, key.gen), key.kid, key.wrapped);
  });

  it('lets an administrator without access grant themselves after opening V with the recovery code', async () => {
    const { json, person, memberKey, setUpVault, store, vault, auditActions } = await inbox();
    const first = person('Anna', 'admin');
    const { code } = await setUpVault(first);
    const staff = person('Bo', 'staff');
    expect((await json('/api/vault/recovered', staff, {})).status).toBe(403);
    expect((await json('/api/vault/recovered', first, { grant: vault.grant(first.id) })).status).toBe(409);
    const later = person('Dan', 'admin');
    const own = await memberKey(later);
    const recovery = await recoveryKeyPair(code);
    const recovered = await openGrant(vault.recoveryGrant()!, recovery.privateKey, 'recovery');
    const grant = await sealGrant(recovered, 1, own.publicKey, `member:${later.id}`);
    expect((await json('/api/vault/recovered', later, { grant })).status).toBe(201);
    expect(vault.grant(later.id)).toEqual(grant);
    expect(auditActions()).toContain(`staff:${later.id} recovered gen:1`);
    expect(store.db.prepare('SELECT count(*) AS n FROM member_grants').get()).toEqual({ n: 2 });
  });
});
