/**
 * Staff hygiene in the team inbox (security review N7, N8, N15): a new
 * registration opens nothing until an administrator confirms it, and the
 * administrators are told; reading many requests in a short time alerts;
 * sessions end when idle; the cookie is __Host-; a receipt code is never
 * in a URL.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect } from 'vitest';
import { it } from './backend.ts';
import { SESSION_IDLE_MINUTES } from '../src/accounts.ts';
import { SESSION_COOKIE } from '../src/inbox/app.ts';
import { READ_ALERT_COUNT } from '../src/inbox/read-watch.ts';
import { inboxText } from '../src/inbox/text.ts';
import { setUp, sv, type Person } from './inbox-helpers.ts';

describe('registration waits for an administrator (N8)', () => {
  it('a registered but unconfirmed member sees only the waiting page, until an administrator confirms', async () => {
    const { get, post, person, receive, accounts, store, auditActions } = await setUp();
    const admin = person('Admin', 'admin');
    const ref = await receive();
    // Nina registered (a passkey and a session), nobody has confirmed her yet.
    const nina = accounts.createStaff('Nina', 'staff');
    store.db
      .prepare(`INSERT INTO passkeys (id, staff_id, public_key, counter, transports, created_at) VALUES ('pk-nina', ?, 'x', 0, '[]', 0)`)
      .run(nina.id);
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    store.db
      .prepare('INSERT INTO sessions (token_hash, staff_id, csrf, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(createHash('sha256').update(token).digest('base64url'), nina.id, csrf, Date.now(), Date.now() + 3_600_000, Date.now());
    const waiting: Person = { id: nina.id, cookie: `${SESSION_COOKIE}=${token}`, csrf };

    for (const path of ['/', `/r/${ref}`, '/lookup', '/review', '/closed']) {
      const answer = await get(path, waiting);
      expect(answer.status, path).toBe(403);
      const body = await answer.text();
      expect(body).toContain(sv.pendingText);
      expect(body).not.toContain('href="/lookup"');
    }
    expect((await post(`/r/${ref}/claim`, waiting)).status).toBe(403);
    expect((await get('/api/summary', waiting)).status).toBe(403);
    expect(store.get(ref)).toMatchObject({ claimedBy: null });
    expect(auditActions().filter((line) => line.startsWith(`staff:${nina.id}`))).toEqual([]);
    // English too.
    expect(inboxText.en.pendingText).toMatch(/administrator must approve/);

    // The administrator sees her waiting, and confirms.
    const staffPage = await (await get('/staff', admin)).text();
    expect(staffPage).toContain(`action="/staff/${nina.id}/confirm"`);
    expect((await post(`/staff/${nina.id}/confirm`, admin)).headers.get('location')).toBe('/staff?m=staffConfirmed');
    expect(auditActions()).toContain(`staff:${admin.id} staff_confirmed staff:${nina.id}`);
    expect((await get(`/r/${ref}`, waiting)).status).toBe(200);
  });

  it('only an administrator confirms', async () => {
    const { post, person, accounts } = await setUp();
    const bo = person('Bo', 'staff');
    const nina = accounts.createStaff('Nina', 'staff');
    expect((await post(`/staff/${nina.id}/confirm`, bo)).status).toBe(403);
    expect(accounts.staff(nina.id)?.confirmedAt).toBeNull();
  });
});

describe('many readings alert the administrators (N7)', () => {
  it('sends one content-free alert when one account opens more than the limit within the window, and names it in the audit log', async () => {
    const alerts: { event: string; count: number }[] = [];
    const { api, person, receive, auditActions } = await setUp({ alert: (event, count) => alerts.push({ event, count }) });
    const anna = person('Anna', 'staff');
    const refs: string[] = [];
    for (let i = 0; i <= READ_ALERT_COUNT + 2; i++) refs.push(await receive());
    // Fetching a request's ciphertext to open it in the browser is a reading; the same one again and again is not "many".
    for (let i = 0; i < READ_ALERT_COUNT + 5; i++) await api(`/api/r/${refs[0]}`, anna);
    expect(alerts).toEqual([]);
    for (const ref of refs) expect((await api(`/api/r/${ref}`, anna)).status).toBe(200);
    expect(alerts).toEqual([{ event: 'many_opened', count: READ_ALERT_COUNT + 1 }]);
    expect(auditActions()).toContain(`alerts many_opened staff:${anna.id} ${READ_ALERT_COUNT + 1}`);
  });
});

describe('session hygiene (N15)', () => {
  it('uses a __Host- cookie', () => {
    expect(SESSION_COOKIE).toBe('__Host-utvag_inbox_session');
  });

  it('ends a session idle for longer than the idle time; the counts poll does not keep it alive', async () => {
    const { get, person, store } = await setUp();
    const anna = person('Anna', 'staff');
    const idle = (minutes: number) =>
      store.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE staff_id = ?').run(Date.now() - minutes * 60_000, anna.id);
    idle(SESSION_IDLE_MINUTES - 1);
    expect((await get('/api/summary', anna)).status).toBe(200);
    expect((await get('/', anna)).status).toBe(200);
    idle(SESSION_IDLE_MINUTES - 1);
    expect((await get('/api/summary', anna)).status).toBe(200);
    idle(SESSION_IDLE_MINUTES + 1);
    expect((await get('/', anna)).headers.get('location')).toBe('/sign-in');
    expect(store.db.prepare('SELECT count(*) AS n FROM sessions WHERE staff_id = ?').get(anna.id)).toEqual({ n: 0 });
  });

  it('never takes a receipt code: a code in the URL is not looked up, and the look-up reports only a count', async () => {
    const { get, api, person, auditActions } = await setUp();
    const anna = person('Anna', 'staff');
    const page = await (await get('/lookup?code=123 456 789 012', anna)).text();
    expect(page).not.toContain('123 456 789 012');
    expect(auditActions().some((line) => line.includes('looked_up'))).toBe(false);
    // The browser compares codes itself (issue 19); a report carrying the code is refused.
    expect((await api('/api/looked-up', anna, { found: 1, code: '123 456 789 012' })).status).toBe(400);
    expect((await api('/api/looked-up', anna, { found: 1 })).status).toBe(200);
    expect(auditActions().filter((line) => line.includes('looked_up'))).toEqual([`staff:${anna.id} looked_up 1`]);
  });
});

describe('sign-in limits behind a reverse proxy (N11)', () => {
  it('counts the forwarded client only when the connection comes from a configured proxy', async () => {
    const { clientAddress } = await import('../src/inbox/middleware/sign-in-limit.ts');
    const proxy = ['10.0.0.5'];
    // From the proxy: the client it forwarded (the right-most entry that is not the proxy itself).
    expect(clientAddress('10.0.0.5', '198.51.100.7', proxy)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.5', '203.0.113.1, 198.51.100.7', proxy)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.5', '198.51.100.7, 10.0.0.5', proxy)).toBe('198.51.100.7');
    // From anyone else, the header is the sender's own say: ignored.
    expect(clientAddress('198.51.100.9', '203.0.113.1', proxy)).toBe('198.51.100.9');
    // No proxy configured: never believed.
    expect(clientAddress('10.0.0.5', '198.51.100.7', [])).toBe('10.0.0.5');
  });
});
