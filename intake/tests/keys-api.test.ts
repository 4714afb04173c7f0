/**
 * Keys for requests, made and retired by an administrator in the inbox
 * (issue 20, part 3), through app.request(): who may reach the page and
 * the API, what zod and the date rule refuse, that the next key is stored
 * under the newest generation and opens in a browser that holds V, that a
 * retired key is no longer published but still receives, and that the
 * only valid key cannot be retired. The crypto is the real team-vault
 * module, as the browser runs it.
 */
import { parse } from 'node-html-parser';
import { describe, expect } from 'vitest';
import { it } from './backend.ts';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { dayOf, isDay, keyReminder, nextNotAfter, validKeys } from '../src/keys/key-dates.ts';
import { LANG_COOKIE } from '../src/inbox/context.ts';
import { formatDay } from '../src/inbox/pages.ts';
import { inboxText } from '../src/inbox/text.ts';
import { NO_RECIPIENTS } from '../src/promise.ts';
import { unwrapRecipientKey, wrapRecipientKey } from '../src/team-vault/recipient-keys.ts';
import type { VaultKeys } from '../src/team-vault/vault-key.ts';
import { envelopeBody } from './helpers.ts';
import { setUp, sv } from './inbox-helpers.ts';

const DAY = 86_400_000;
/** A fixed day for the date rules alone. */
const NOW = new Date('2027-01-01T10:00:00Z');
const FIRST_ENDS = '2027-01-20';
/** The rule's next last day: 2027-01-20 less 30 days is before today, so 90 days from today. */
const NEXT_ENDS = '2027-04-01';

/** The inbox runs today (sessions are made with today's clock); its first key ends 19 days from now. */
const TODAY = new Date();
const day = (days: number) => dayOf(Date.parse(`${dayOf(TODAY)}T00:00:00Z`) + days * DAY);

async function inbox() {
  const setup = await setUp();
  setup.store.db.prepare('UPDATE vault_keys SET not_after = ?').run(day(19));
  const admin = setup.person('Anna', 'admin');
  const staff = setup.person('Bo', 'staff');
  /** A new key pair wrapped under `vault`, as the keys page's browser makes it. */
  const nextKey = async (notAfter = day(90), vault: VaultKeys = setup.intake.vault) => {
    const pair = await generateRecipientKeyPair();
    return { kid: pair.kid, publicKey: pair.publicKey, notAfter, wrapped: await wrapRecipientKey(vault, pair.kid, pair.privateJwk) };
  };
  return { ...setup, admin, staff, nextKey };
}

describe('key dates', () => {
  const key = (notAfter: string, retiredAt: number | null = null) => ({ notAfter, retiredAt });
  it('makes the next key 90 days from the newest end less 30 days, or from today', () => {
    expect(nextNotAfter([], NOW)).toBe(NEXT_ENDS);
    expect(nextNotAfter([key(FIRST_ENDS)], NOW)).toBe(NEXT_ENDS);
    // The newest ends in 50 days: the next starts 30 days before that, so it lasts 20 days longer.
    expect(nextNotAfter([key('2027-02-20'), key('2027-01-05')], NOW)).toBe('2027-04-21');
    // A retired key is not the newest.
    expect(nextNotAfter([key('2027-02-20', 1), key(FIRST_ENDS)], NOW)).toBe(NEXT_ENDS);
  });

  it('reminds 30 days before the newest valid key ends, and after it ended', () => {
    expect(keyReminder([key(FIRST_ENDS)], NOW)).toEqual({ newestEnds: FIRST_ENDS, ended: false });
    expect(keyReminder([key(FIRST_ENDS), key('2027-03-01')], NOW)).toBeNull();
    expect(keyReminder([key('2027-01-31')], NOW)).toEqual({ newestEnds: '2027-01-31', ended: false });
    expect(keyReminder([key('2027-02-01')], NOW)).toBeNull();
    expect(keyReminder([key('2027-01-31')], new Date('2026-12-31T23:59:59Z'))).toBeNull();
    expect(keyReminder([key('2026-12-31')], NOW)).toEqual({ newestEnds: '2026-12-31', ended: true });
    expect(keyReminder([key('2027-01-01')], NOW)).toEqual({ newestEnds: '2027-01-01', ended: false });
    expect(keyReminder([], NOW)).toBeNull();
  });

  it('knows a real day and a valid key', () => {
    expect(isDay('2027-02-28')).toBe(true);
    expect(isDay('2027-02-29')).toBe(false);
    expect(isDay('2027-2-28')).toBe(false);
    expect(validKeys([key('2026-12-31'), key('2027-01-01'), key('2027-05-01', 1)], NOW)).toEqual([key('2027-01-01')]);
    expect(dayOf(NOW)).toBe('2027-01-01');
  });
});

describe('the keys API', () => {
  it('answers administrators only, signed in, with the CSRF header, from the same site', async () => {
    const { admin, staff, api, get, post, nextKey, intake } = await inbox();
    const body = { gen: 1, ...(await nextKey()) };
    expect((await api('/api/vault/keys', undefined, body)).status).toBe(401);
    const asStaff = await api('/api/vault/keys', staff, body);
    expect(asStaff.status).toBe(403);
    expect(await asStaff.json()).toEqual({ error: 'forbidden' });
    expect((await api(`/api/vault/keys/${intake.kid}/retire`, staff, {})).status).toBe(403);
    expect((await api('/api/vault/keys', admin, body, { 'x-csrf-token': 'not-the-token' })).status).toBe(403);
    // A JSON post cannot come cross-site without the header (CORS); a form post from another site is refused first.
    const crossSite = await post(`/api/vault/keys/${intake.kid}/retire`, admin, {}, { 'sec-fetch-site': 'cross-site' });
    expect(await crossSite.text()).toBe('Forbidden (cross-site)');
    // The page: signed out to the sign-in page, staff told "not allowed".
    expect((await get('/keys')).headers.get('location')).toBe('/sign-in');
    expect((await get('/keys', staff)).status).toBe(403);
    const page = await get('/keys', admin);
    expect(page.status).toBe(200);
    // Nothing was made by the refused calls.
    expect(
      parse(await page.text())
        .querySelectorAll('li[data-kid]')
        .map((li) => li.getAttribute('data-kid')),
    ).toEqual([intake.kid]);
  });

  it('refuses a body zod or the date rule does not accept', async () => {
    const { admin, api, nextKey, store } = await inbox();
    const key = await nextKey();
    const other = await generateRecipientKeyPair();
    const refused = async (body: unknown) => {
      const answer = await api('/api/vault/keys', admin, body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      return ((await answer.json()) as { error: string }).error;
    };
    expect(await refused({})).toBe('bad_request');
    expect(await refused(key)).toBe('bad_request');
    expect(await refused({ gen: 1, ...key, extra: 1 })).toBe('bad_request');
    expect(await refused({ gen: 0, ...key })).toBe('bad_request');
    expect(await refused({ gen: 1, ...key, kid: 'short' })).toBe('bad_request');
    expect(await refused({ gen: 1, ...key, wrapped: { iv: 'x', ct: 'y' } })).toBe('bad_request');
    expect(await refused({ gen: 1, ...key, notAfter: '1 april' })).toBe('bad_request');
    expect(await refused({ gen: 1, ...key, kid: other.kid })).toBe('kid_mismatch');
    // A day that does not exist, today, a day past the rule's: refused; the rule's day and the day after (a browser's clock) pass.
    for (const notAfter of ['2027-02-30', day(0), day(92), '2099-12-31'])
      expect(await refused({ gen: 1, ...key, notAfter })).toBe('bad_not_after');
    expect(store.vault.keys()).toHaveLength(1);
    expect((await api('/api/vault/keys', admin, { gen: 1, ...key, notAfter: day(91) })).status).toBe(201);
  });

  it('stores the next key under the newest generation, where a browser holding V opens it', async () => {
    const { admin, api, nextKey, store, auditActions, intake } = await inbox();
    const key = await nextKey();
    const stale = await api('/api/vault/keys', admin, { gen: 2, ...key });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toEqual({ error: 'stale_generation' });
    const made = await api('/api/vault/keys', admin, { gen: 1, ...key });
    expect(made.status).toBe(201);
    expect(made.headers.get('cache-control')).toBe('no-store');
    const again = await api('/api/vault/keys', admin, { gen: 1, ...key });
    expect(await again.json()).toEqual({ error: 'key_exists' });
    const stored = store.vault.keys().find((k) => k.kid === key.kid)!;
    expect(stored).toMatchObject({ gen: 1, publicKey: key.publicKey, notAfter: day(90), retiredAt: null });
    const opened = await unwrapRecipientKey(intake.vault, key.kid, stored.wrapped);
    expect(opened.hpke.extractable).toBe(false);
    expect(auditActions()).toContain(`staff:${admin.id} key_made kid:${key.kid.slice(0, 8)} gen:1`);
    // Both keys are published now, and the reminder is gone: the newest ends in 90 days.
    expect(keyReminder(store.vault.keys(), new Date())).toBeNull();
  });

  it('retires an old key: no longer published, still receiving; never the only valid one', async () => {
    const { admin, api, nextKey, store, auditActions, intake } = await inbox();
    const only = await api(`/api/vault/keys/${intake.kid}/retire`, admin, {});
    expect(only.status).toBe(409);
    expect(await only.json()).toEqual({ error: 'only_valid_key' });
    const key = await nextKey();
    expect((await api('/api/vault/keys', admin, { gen: 1, ...key })).status).toBe(201);
    expect((await api(`/api/vault/keys/${intake.kid}/retire`, admin, {})).status).toBe(200);
    expect(auditActions()).toContain(`staff:${admin.id} key_retired kid:${intake.kid.slice(0, 8)}`);
    expect(
      store.vault
        .keys()
        .filter((k) => k.retiredAt === null)
        .map((k) => k.kid),
    ).toEqual([key.kid]);
    // What was sealed to the retired key still arrives and is kept.
    expect((await store.receive(await envelopeBody(intake), NO_RECIPIENTS)).status).toBe('stored');
    // Now the new key is the only valid one; the retired one cannot be retired twice; unknown and malformed kids.
    expect(await (await api(`/api/vault/keys/${key.kid}/retire`, admin, {})).json()).toEqual({ error: 'only_valid_key' });
    expect(await (await api(`/api/vault/keys/${intake.kid}/retire`, admin, {})).json()).toEqual({ error: 'key_retired' });
    expect((await api(`/api/vault/keys/${(await generateRecipientKeyPair()).kid}/retire`, admin, {})).status).toBe(404);
    expect((await api('/api/vault/keys/not-a-kid/retire', admin, {})).status).toBe(400);
  });

  it('retires a key that has ended even while another is the only valid one', async () => {
    const { admin, api, nextKey, store, intake } = await inbox();
    store.db.prepare('UPDATE vault_keys SET not_after = ?').run(day(-1));
    const key = await nextKey();
    expect((await api('/api/vault/keys', admin, { gen: 1, ...key })).status).toBe(201);
    expect((await api(`/api/vault/keys/${intake.kid}/retire`, admin, {})).status).toBe(200);
  });
});

describe('the keys page and the reminder', () => {
  it('lists each key with its last day, generation and state, and offers Retire only where it may', async () => {
    const { admin, api, get, nextKey, intake } = await inbox();
    const only = parse(await (await get('/keys', admin)).text());
    expect(only.querySelector(`li[data-kid="${intake.kid}"]`)!.querySelector('button[data-retire]')).toBeNull();
    expect(only.querySelector(`li[data-kid="${intake.kid}"]`)!.text).toContain(sv.keyOnlyValid);
    expect(only.querySelector('#key-make')!.text).toBe(sv.keyMake);
    expect(only.querySelector('#key-next-heading')!.parentNode!.text).toContain(formatDay(day(90), 'sv'));
    const key = await nextKey();
    expect((await api('/api/vault/keys', admin, { gen: 1, ...key })).status).toBe(201);
    const two = parse(await (await get('/keys', admin)).text());
    const entry = two.querySelector(`li[data-kid="${key.kid}"]`)!;
    expect(entry.querySelector('h2')!.text).toBe(`${sv.keyLabel} ${key.kid.slice(0, 8)}`);
    expect(entry.text).toContain(formatDay(day(90), 'sv'));
    expect(entry.text).toContain(`${sv.keyGeneration} 1`);
    expect(entry.text).toContain(sv.keyPublish);
    expect(entry.querySelector('button[data-retire]')!.getAttribute('aria-label')).toBe(`${sv.keyRetireLabel} ${key.kid.slice(0, 8)}`);
    expect(two.querySelectorAll('button[data-retire]')).toHaveLength(2);
    expect((await api(`/api/vault/keys/${intake.kid}/retire`, admin, {})).status).toBe(200);
    const retired = parse(await (await get('/keys?m=keyRetiredDone', admin)).text());
    expect(retired.querySelector(`li[data-kid="${intake.kid}"]`)!.text).toContain(sv.keyRetired);
    expect(retired.querySelectorAll('button[data-retire]')).toHaveLength(0);
    expect(retired.querySelector('[role="status"]')!.text).toBe(sv.keyRetiredDone);
  });

  it('reminds administrators on the list page, with a link to Keys; never staff, and not once the next key is made', async () => {
    const { admin, staff, api, get, nextKey } = await inbox();
    const reminder = (html: string) => parse(html).querySelector('#key-reminder');
    const shown = reminder(await (await get('/', admin)).text())!;
    expect(shown.text.replace(/\s+/g, ' ').trim()).toBe(
      `${sv.keysReminderEnds} ${formatDay(day(19), 'sv')}. ${sv.keysReminderAction} ${sv.navKeys}.`,
    );
    expect(shown.querySelector('a')!.getAttribute('href')).toBe('/keys');
    expect(reminder(await (await get('/', staff)).text())).toBeNull();
    expect(reminder(await (await get('/keys', admin)).text())).not.toBeNull();
    expect((await api('/api/vault/keys', admin, { gen: 1, ...(await nextKey()) })).status).toBe(201);
    expect(reminder(await (await get('/', admin)).text())).toBeNull();
  });

  it('speaks English too, and the audit log names each step in words', async () => {
    const { admin, api, get, nextKey, intake, app } = await inbox();
    const key = await nextKey();
    expect((await api('/api/vault/keys', admin, { gen: 1, ...key })).status).toBe(201);
    expect((await api(`/api/vault/keys/${intake.kid}/retire`, admin, {})).status).toBe(200);
    const inEnglish = (path: string) => app.request(path, { headers: { cookie: `${admin.cookie}; ${LANG_COOKIE}=en` } });
    const page = parse(await (await inEnglish('/keys')).text());
    expect(page.querySelector('h1')!.text).toBe(inboxText.en.keysHeading);
    expect(page.querySelector(`li[data-kid="${key.kid}"]`)!.text).toContain(formatDay(day(90), 'en'));
    expect(page.querySelector(`li[data-kid="${intake.kid}"]`)!.text).toContain(inboxText.en.keyRetired);
    const short = (kid: string) => kid.slice(0, 8);
    const svLog = parse(await (await get('/audit', admin)).text()).text;
    expect(svLog).toContain(`${sv.action_key_made}: ${sv.detailKid} ${short(key.kid)} (låst med teamets nyckel nr 1)`);
    expect(svLog).toContain(`${sv.action_key_retired}: ${sv.detailKid} ${short(intake.kid)}`);
    const enLog = parse(await (await inEnglish('/audit')).text()).text;
    expect(enLog).toContain(`Made the next key for requests: key ${short(key.kid)} (locked with the team's key no. 1)`);
  });

  it('links the keys page from the staff page', async () => {
    const { admin, get } = await inbox();
    const page = parse(await (await get('/staff', admin)).text());
    expect(page.querySelector('a[href="/keys"]')!.text).toBe(sv.keysHeading);
  });
});
