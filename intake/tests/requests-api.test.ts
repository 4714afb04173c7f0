/**
 * The requests JSON API of the blind inbox (issue 19, inbox/routes/api.ts):
 * the session's unlock key, ciphertext out and ciphertext in, the CSRF
 * header on every POST, no-store on every answer, zod on every body, and
 * notes kept as the browser sealed them.
 */
import { describe, expect } from 'vitest';
import { it } from './backend.ts';
import { Accounts, relyingParty, SESSION_IDLE_MINUTES } from '../src/accounts.ts';
import { openNote, sealNote } from '../src/team-vault/index.ts';
import { ORIGIN, setUp } from './inbox-helpers.ts';

describe('the requests JSON API', () => {
  it('gives each session its own unlock key, kept while it lasts and deleted with it', async () => {
    const { api, person, store } = await setUp();
    const anna = person('Anna', 'staff');
    const bo = person('Bo', 'staff');
    const key = ((await (await api('/api/session-key', anna)).json()) as { key: string }).key;
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    expect(((await (await api('/api/session-key', anna)).json()) as { key: string }).key).toBe(key);
    expect(((await (await api('/api/session-key', bo)).json()) as { key: string }).key).not.toBe(key);
    expect((await api('/api/session-key', undefined)).status).toBe(401);
    // A session past its end is deleted with its key when it is next seen.
    store.db.prepare('UPDATE sessions SET expires_at = ? WHERE staff_id = ?').run(Date.now() - 1, anna.id);
    expect(new Accounts(store, relyingParty(ORIGIN)).session(anna.cookie.split('=')[1])).toBeNull();
    expect((await api('/api/session-key', anna)).status).toBe(401);
    expect(store.db.prepare('SELECT count(*) AS n FROM sessions WHERE unlock_key = ?').get(key)).toEqual({ n: 0 });
  });

  it('answers no-store, wants the CSRF header on a POST and a body of the right shape', async () => {
    const { api, person, receive, store, intake } = await setUp();
    const anna = person('Anna', 'staff');
    const ref = await receive();
    for (const path of ['/api/session-key', `/api/r/${ref}`, `/api/requests?refs=${ref}`, '/api/replies/unsigned'])
      expect((await api(path, anna)).headers.get('cache-control'), path).toBe('no-store');
    const box = await sealNote(intake.vault, ref, 'Ringde två gånger.');
    expect((await api(`/api/r/${ref}/notes`, anna, { gen: 1, box }, { 'x-csrf-token': 'not the token' })).status).toBe(403);
    expect((await api(`/api/r/${ref}/notes`, anna, { gen: 1, box }, { 'x-csrf-token': '' })).status).toBe(403);
    for (const wrong of [
      { gen: 1 },
      { gen: 0, box },
      { gen: 2, box },
      { gen: 1, box, text: 'in clear' },
      { gen: 1, box: { ...box, iv: '!' } },
    ])
      expect((await api(`/api/r/${ref}/notes`, anna, wrong)).status).toBe(400);
    expect(store.notes(ref)).toEqual([]);
    const saved = await api(`/api/r/${ref}/notes`, anna, { gen: 1, box });
    expect(saved.status).toBe(201);
    expect(saved.headers.get('cache-control')).toBe('no-store');
    // Kept as the browser sealed it, and handed back so.
    const page = (await (await api(`/api/r/${ref}`, anna)).json()) as { notes: { authorId: number; gen: number; box: typeof box }[] };
    expect(page.notes).toMatchObject([{ authorId: anna.id, gen: 1, box }]);
    expect(await openNote(intake.vault, ref, page.notes[0]!.box)).toBe('Ringde två gånger.');
  });

  it('hands out envelopes for the list without an audit line, and refuses too many or malformed refs', async () => {
    const { api, person, receive, store, auditActions } = await setUp();
    const anna = person('Anna', 'staff');
    const refs = [await receive(), await receive()];
    const answer = (await (await api(`/api/requests?refs=${refs.join(',')},AAAAAAAAAAAAAAAA`, anna)).json()) as {
      envelopes: { ref: string; body: string }[];
    };
    expect(answer.envelopes).toEqual(refs.map((ref) => ({ ref, body: store.get(ref)!.envelope })));
    expect(auditActions().filter((line) => line.includes('opened'))).toEqual([]);
    expect((await api(`/api/requests?refs=${Array(101).fill(refs[0]).join(',')}`, anna)).status).toBe(400);
    expect((await api('/api/requests?refs=../etc', anna)).status).toBe(400);
    expect((await api(`/api/r/AAAAAAAAAAAAAAAA`, anna)).status).toBe(404);
  });

  it('counts a POST as activity and a GET of ciphertext not (an idle session still ends)', async () => {
    const { api, person, receive, store } = await setUp();
    const anna = person('Anna', 'staff');
    const ref = await receive();
    const seen = () =>
      (store.db.prepare('SELECT last_seen_at FROM sessions WHERE staff_id = ?').get(anna.id) as { last_seen_at: number }).last_seen_at;
    const idle = Date.now() - (SESSION_IDLE_MINUTES - 1) * 60_000;
    store.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE staff_id = ?').run(idle, anna.id);
    expect((await api(`/api/r/${ref}`, anna)).status).toBe(200);
    expect(seen()).toBe(idle);
    expect((await api('/api/looked-up', anna, { found: 0 })).status).toBe(200);
    expect(seen()).toBeGreaterThan(idle);
  });

  it('lets a member not yet confirmed reach the session key, and nothing that holds a request', async () => {
    const { api, person, receive, store } = await setUp();
    const ref = await receive();
    const newcomer = person('Ny', 'staff');
    store.db.prepare('UPDATE staff SET confirmed_at = NULL WHERE id = ?').run(newcomer.id);
    expect((await api('/api/session-key', newcomer)).status).toBe(200);
    expect((await api(`/api/r/${ref}`, newcomer)).status).toBe(403);
    expect((await api(`/api/requests?refs=${ref}`, newcomer)).status).toBe(403);
  });
});
