/**
 * The team inbox's access rules without a browser, through Hono's
 * app.request: signed out, CSRF, cross-site posts, administrators only,
 * the claim race, the status rules and the audit lines they leave.
 * (tests/browser/inbox/ checks the same pages in Chromium, with passkeys.)
 */
import { describe, expect } from 'vitest';
import { it } from './backend.ts';
import { ORIGIN, setUp, sv } from './inbox-helpers.ts';
import { sealNote } from '../src/team-vault/index.ts';

describe('team inbox access rules (app.request)', () => {
  it('sends a signed-out visitor to the sign-in page, and answers 401 to a signed-out post or API call', async () => {
    const { get, post, receive, store } = await setUp();
    const ref = await receive();
    for (const path of ['/', `/r/${ref}`, '/lookup?code=123', '/review', '/closed', '/staff', '/audit', '/no-such-page']) {
      const answer = await get(path);
      expect(answer.status, path).toBe(303);
      expect(answer.headers.get('location'), path).toBe('/sign-in');
    }
    expect((await get('/api/summary')).status).toBe(401);
    for (const path of [`/r/${ref}/claim`, `/r/${ref}/status`, `/r/${ref}/notes`, `/r/${ref}/export`, '/staff/invite', '/sign-out']) {
      const answer = await post(path, undefined, { status: 'contacted', note: 'x', name: 'Mallory' });
      expect(answer.status, path).toBe(401);
      expect(await answer.json()).toEqual({ error: 'signed_out' });
    }
    expect(store.get(ref)).toMatchObject({ status: 'new', claimedBy: null });
    // The public pages need no session.
    expect((await get('/sign-in')).status).toBe(200);
    expect((await get('/assets/inbox.css')).status).toBe(200);
  });

  it('a removed person or an expired session counts as signed out', async () => {
    const { get, person, accounts, store } = await setUp();
    const leaving = person('Leaving', 'staff');
    expect((await get('/', leaving)).status).toBe(200);
    accounts.removeStaff(leaving.id);
    expect((await get('/', leaving)).status).toBe(303);
    const old = person('Old session', 'staff');
    store.db.prepare('UPDATE sessions SET expires_at = ? WHERE staff_id = ?').run(Date.now() - 1, old.id);
    expect((await get('/', old)).status).toBe(303);
  });

  it("refuses a post without the session's CSRF token, or with another session's", async () => {
    const { post, person, receive, store } = await setUp();
    const anna = person('Anna', 'staff');
    const bo = person('Bo', 'staff');
    const ref = await receive();
    const missing = await post(`/r/${ref}/claim`, { ...anna, csrf: '' });
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain(sv.csrf);
    expect((await post(`/r/${ref}/claim`, { ...anna, csrf: bo.csrf })).status).toBe(403);
    expect(store.get(ref)).toMatchObject({ status: 'new', claimedBy: null });
    const ok = await post(`/r/${ref}/claim`, anna);
    expect(ok.status).toBe(303);
    expect(store.get(ref)).toMatchObject({ claimedBy: anna.id });
  });

  it('refuses a cross-site post before looking at the session (Sec-Fetch-Site, else Origin)', async () => {
    const { post, person, receive, store } = await setUp();
    const anna = person('Anna', 'staff');
    const ref = await receive();
    for (const headers of [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': '', origin: 'https://evil.example' },
    ]) {
      const answer = await post(`/r/${ref}/claim`, anna, {}, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(await answer.text()).toBe('Forbidden (cross-site)');
    }
    // Signed out too: the cross-site refusal comes first.
    expect((await post(`/r/${ref}/claim`, undefined, {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(store.get(ref)).toMatchObject({ status: 'new', claimedBy: null });
    // Without Sec-Fetch-Site, the inbox's own origin (or "null" under no-referrer) is same-origin.
    expect((await post(`/r/${ref}/claim`, anna, {}, { 'sec-fetch-site': '', origin: ORIGIN })).status).toBe(303);
  });

  it('lets only administrators see staff and the audit log, invite and remove', async () => {
    const { get, post, person, accounts } = await setUp();
    const admin = person('Admin', 'admin');
    const staff = person('Staff', 'staff');
    for (const path of ['/staff', '/audit']) {
      const refused = await get(path, staff);
      expect(refused.status, path).toBe(403);
      expect(await refused.text()).toContain(sv.forbidden);
      expect((await get(path, admin)).status, path).toBe(200);
    }
    expect((await post('/staff/invite', staff, { name: 'Mallory', admin: '1' })).status).toBe(403);
    expect((await post(`/staff/${admin.id}/remove`, staff)).status).toBe(403);
    expect(
      accounts
        .activeStaff()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['Admin', 'Staff']);
    const invited = await post('/staff/invite', admin, { name: 'Nina' });
    expect(invited.status).toBe(200);
    expect(await invited.text()).toMatch(new RegExp(`${ORIGIN}/invite/[\\w-]+`));
    // An administrator cannot remove themselves; another person, yes.
    await post(`/staff/${admin.id}/remove`, admin);
    await post(`/staff/${staff.id}/remove`, admin);
    expect(
      accounts
        .activeStaff()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['Admin', 'Nina']);
  });

  it('gives a request to the first who claims it; the second is told not to call', async () => {
    const { post, person, receive, store, auditActions } = await setUp();
    const anna = person('Anna', 'staff');
    const bo = person('Bo', 'staff');
    const ref = await receive();
    const answers = await Promise.all([post(`/r/${ref}/claim`, anna), post(`/r/${ref}/claim`, bo)]);
    const locations = answers.map((answer) => answer.headers.get('location'));
    expect([...locations].sort()).toEqual([`/r/${ref}?m=alreadyClaimed`, `/r/${ref}?m=claimedByYou`]);
    const [winner, loser] = locations[0]!.endsWith('claimedByYou') ? [anna, bo] : [bo, anna];
    expect(store.get(ref)).toMatchObject({ status: 'claimed', claimedBy: winner.id });
    expect(auditActions().filter((line) => line.includes('claimed'))).toEqual([`staff:${winner.id} claimed ${ref}`]);
    // Only the one who claimed it can give it back.
    await post(`/r/${ref}/release`, loser);
    expect(store.get(ref)).toMatchObject({ claimedBy: winner.id });
    await post(`/r/${ref}/release`, winner);
    expect(store.get(ref)).toMatchObject({ status: 'new', claimedBy: null });
  });

  it('changes a status only once claimed, never back to "new" or to an unknown one', async () => {
    const { post, person, receive, store, auditActions } = await setUp();
    const anna = person('Anna', 'staff');
    const ref = await receive();
    expect((await post(`/r/${ref}/status`, anna, { status: 'contacted' })).headers.get('location')).toBe(`/r/${ref}?m=statusNeedsClaim`);
    expect(store.get(ref)).toMatchObject({ status: 'new' });
    await post(`/r/${ref}/claim`, anna);
    for (const status of ['new', 'deleted', '']) {
      expect((await post(`/r/${ref}/status`, anna, { status })).headers.get('location'), status).toBe(`/r/${ref}`);
    }
    expect(store.get(ref)).toMatchObject({ status: 'claimed' });
    expect((await post(`/r/${ref}/status`, anna, { status: 'contacted' })).headers.get('location')).toBe(`/r/${ref}?m=statusSaved`);
    expect(store.get(ref)).toMatchObject({ status: 'contacted' });
    expect(auditActions()).toContain(`staff:${anna.id} status_changed ${ref} contacted`);
  });

  it('writes an audit line for every reading, look-up, note, export and sign-out', async () => {
    const { get, post, api, person, receive, auditActions, intake } = await setUp();
    const anna = person('Anna', 'staff');
    const ref = await receive();
    // Read, looked up, noted and exported in the browser (issue 19): the server keeps the audit lines.
    expect((await api(`/api/r/${ref}`, anna)).status).toBe(200);
    expect((await api('/api/looked-up', anna, { found: 0 })).status).toBe(200);
    expect((await api(`/api/r/${ref}/notes`, anna, { gen: 1, box: await sealNote(intake.vault, ref, 'Ringde, inget svar.') })).status).toBe(
      201,
    );
    await post(`/r/${ref}/claim`, anna);
    expect((await api(`/api/r/${ref}/exported`, anna, {})).status).toBe(200);
    expect((await post('/sign-out', anna)).headers.get('location')).toBe('/sign-in');
    expect(auditActions()).toEqual([
      `receiver received ${ref}`,
      `staff:${anna.id} opened ${ref}`,
      `staff:${anna.id} looked_up 0`,
      `staff:${anna.id} noted ${ref}`,
      `staff:${anna.id} claimed ${ref}`,
      `staff:${anna.id} exported ${ref}`,
      `staff:${anna.id} signed_out`,
    ]);
    // The session is gone.
    expect((await get('/', anna)).status).toBe(303);
  });

  it('does not answer /push: the push receiver has its own listener', async () => {
    const { app, get, person } = await setUp();
    const anna = person('Anna', 'staff');
    expect((await app.request('/push', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await get('/push', anna)).status).toBe(404);
    expect((await get('/health', anna)).status).toBe(404);
  });

  it('answers 404 for an unknown request, with the security headers on every page', async () => {
    const { get, person } = await setUp();
    const anna = person('Anna', 'staff');
    for (const [path, status, who] of [
      ['/r/nope', 404, anna],
      ['/no-such-page', 404, anna],
      ['/', 200, anna],
      ['/sign-in', 200, undefined],
    ] as const) {
      const answer = await get(path, who);
      expect(answer.status, path).toBe(status);
      expect(answer.headers.get('content-security-policy'), path).toContain("default-src 'none'");
      expect(answer.headers.get('x-frame-options'), path).toBe('DENY');
      expect(answer.headers.get('cache-control'), path).toBe('no-store');
    }
  });
});
