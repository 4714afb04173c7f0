/**
 * A team inbox in process for app.request tests: a fresh intake, people
 * with sessions as a passkey sign-in leaves them, form posts as the
 * inbox's own pages send them, JSON calls as the inbox app makes them,
 * and the audit lines in order.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach } from 'vitest';
import { Accounts, relyingParty, type StaffRole } from '../../intake/src/accounts.ts';
import { recentAudit } from '../../intake/src/audit.ts';
import { createInboxApp, SESSION_COOKIE, type InboxAppOptions } from '../../intake/src/inbox/app.ts';
import { inboxText } from '../../intake/src/inbox/text.ts';
import { NO_RECIPIENTS } from '../../intake/src/promise.ts';
import { testAssets } from './backend.ts';
import { envelopeBody, makeIntake, type TestIntake } from './helpers.ts';

export const ORIGIN = 'http://localhost:8788';
export const sv = inboxText.sv;

let intake: TestIntake | undefined;
afterEach(async () => {
  await intake?.cleanup();
  intake = undefined;
});

export interface Person {
  id: number;
  cookie: string;
  csrf: string;
}

/** A team inbox on a fresh intake; `intake.vault: false`: no team vault set up yet. */
export async function setUp(extra: Partial<InboxAppOptions> = {}, options: { vault?: boolean } = {}) {
  intake = await makeIntake(options);
  const { store } = intake;
  const accounts = new Accounts(store, relyingParty(ORIGIN));
  const app = createInboxApp({
    store,
    accounts,
    recipients: NO_RECIPIENTS,
    retentionDays: 30,
    assets: testAssets(),
    log: () => undefined,
    ...extra,
  });

  /**
   * A signed-in person: a session row as a passkey sign-in leaves it
   * (accounts.ts keeps only the SHA-256 of the cookie's token).
   */
  const person = (name: string, role: StaffRole): Person => {
    const staff = accounts.createStaff(name, role);
    accounts.confirmStaff(staff.id);
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    store.db
      .prepare('INSERT INTO sessions (token_hash, staff_id, csrf, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(createHash('sha256').update(token).digest('base64url'), staff.id, csrf, Date.now(), Date.now() + 3_600_000, Date.now());
    return { id: staff.id, cookie: `${SESSION_COOKIE}=${token}`, csrf };
  };
  const get = (path: string, who?: Person) => app.request(path, { headers: who ? { cookie: who.cookie } : {} });
  /** A form post as the inbox's own pages send it (same-origin, the session's CSRF token). */
  const post = (path: string, who: Person | undefined, fields: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      body: new URLSearchParams({ ...(who ? { csrf: who.csrf } : {}), ...fields }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'same-origin',
        origin: 'null',
        ...(who ? { cookie: who.cookie } : {}),
        ...headers,
      },
    });
  /** A JSON call as the inbox app makes it: GET, or POST with the CSRF token in its header. */
  const api = (path: string, who: Person | undefined, body?: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headers: {
        ...(body === undefined
          ? {}
          : { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', 'x-csrf-token': who?.csrf ?? '' }),
        ...(who ? { cookie: who.cookie } : {}),
        ...headers,
      },
    });
  const receive = async () => {
    const result = await store.receive(await envelopeBody(intake!), NO_RECIPIENTS);
    if (result.status !== 'stored') throw new Error(result.status);
    return result.ref;
  };
  const auditActions = () =>
    recentAudit(store)
      .map((line) => `${line.actor} ${line.action}${line.ref ? ` ${line.ref}` : ''}${line.detail ? ` ${line.detail}` : ''}`)
      .reverse();
  return { app, store, accounts, intake: intake, person, get, post, api, receive, auditActions };
}
