/**
 * Need-to-know among staff (security review N7): only the person who
 * claimed a request, or an administrator, may change its status, export
 * it or answer it; everyone else sees who has it.
 */
import { describe, expect } from 'vitest';
import { it } from './backend.ts';
import { setUp, sv } from './inbox-helpers.ts';

describe('need-to-know (N7)', () => {
  it('refuses status, export and reply to anyone but the claimer or an administrator', async () => {
    const { get, post, api, person, receive, store, auditActions } = await setUp();
    const anna = person('Anna', 'staff');
    const bo = person('Bo', 'staff');
    const admin = person('Admin', 'admin');
    const ref = await receive();

    // Nobody's yet: a colleague cannot export or close it without claiming it first.
    expect(await (await api(`/api/r/${ref}/exported`, bo, {})).json()).toEqual({ error: 'needs_claim' });
    await post(`/r/${ref}/claim`, anna);

    // Bo sees that Anna has it, and no status form, export or reply form.
    const seen = await (await get(`/r/${ref}`, bo)).text();
    expect(seen).toContain(`${sv.claimedByOther} <strong>Anna</strong>`);
    expect(seen).toContain(sv.notYours);
    expect(seen).not.toContain(`action="/r/${ref}/status"`);
    expect(seen).not.toContain(`action="/r/${ref}/export"`);

    // And the routes refuse him, whatever the page shows.
    expect((await post(`/r/${ref}/status`, bo, { status: 'closed' })).headers.get('location')).toBe(`/r/${ref}?m=notYours`);
    // The export and the reply are made in the browser; the server refuses to log or send them for him.
    const exported = await api(`/api/r/${ref}/exported`, bo, {});
    expect(exported.status).toBe(403);
    expect(await exported.json()).toEqual({ error: 'not_yours' });
    expect((await api(`/api/r/${ref}/reply`, bo, {})).status).toBe(403);
    expect(store.get(ref)).toMatchObject({ status: 'claimed', claimedBy: anna.id });
    expect(auditActions().filter((line) => /exported|status_changed|replied/.test(line))).toEqual([]);

    // The claimer and an administrator can.
    expect((await api(`/api/r/${ref}/exported`, anna, {})).status).toBe(200);
    expect((await post(`/r/${ref}/status`, admin, { status: 'contacted' })).headers.get('location')).toBe(`/r/${ref}?m=statusSaved`);
    expect((await post(`/r/${ref}/status`, anna, { status: 'closed' })).headers.get('location')).toBe(`/r/${ref}?m=statusSaved`);
    expect(auditActions().filter((line) => /exported|status_changed/.test(line))).toEqual([
      `staff:${anna.id} exported ${ref}`,
      `staff:${admin.id} status_changed ${ref} contacted`,
      `staff:${anna.id} status_changed ${ref} closed`,
    ]);
  });
});
