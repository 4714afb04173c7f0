/**
 * The hosted inbox's operator calls (intake/src/hosted/operator-calls.ts):
 * one setup link at a time, single use, only until an administrator has
 * registered; the details the administrator saved, and nothing else; a
 * disconnect that keeps every stored request.
 */
import { describe, expect } from 'vitest';
import { it } from './backend.ts';
import { AccountError, INVITE_HOURS } from '../src/accounts.ts';
import { operatorApproved, operatorConnection, operatorDisconnect, operatorInvite } from '../src/hosted/operator-calls.ts';
import { setUp } from './inbox-helpers.ts';

const NOW = new Date('2026-12-06T09:00:00Z');

async function hosted() {
  const setup = await setUp();
  const inbox = { recipient: 'malmo', store: setup.store, accounts: setup.accounts, now: () => NOW };
  const tokenOf = (path: string) => path.slice('/invite/'.length);
  return { ...setup, inbox, tokenOf };
}

describe('operator calls of a hosted inbox', () => {
  it('gives one setup link at a time, for an administrator, expiring', async () => {
    const { inbox, accounts, tokenOf, auditActions } = await hosted();
    const first = operatorInvite(inbox);
    if ('error' in first) throw new Error(first.error);
    expect(first.path).toMatch(/^\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(first.expiresAt)).toBe(NOW.getTime() + INVITE_HOURS * 3_600_000);
    expect(accounts.checkInvite(tokenOf(first.path), NOW).role).toBe('admin');
    const second = operatorInvite(inbox, { name: 'Anna Andersson' });
    if ('error' in second) throw new Error(second.error);
    // The first link's administrator is gone, so its link no longer works.
    expect(() => accounts.checkInvite(tokenOf(first.path), NOW)).toThrow(AccountError);
    expect(accounts.checkInvite(tokenOf(second.path), NOW).name).toBe('Anna Andersson');
    expect(() => accounts.checkInvite(tokenOf(second.path), new Date(Date.parse(second.expiresAt) + 1))).toThrow(/invite_expired/);
    expect(auditActions().filter((line) => line.startsWith('operator'))).toEqual([
      'operator operator_invited',
      'operator operator_invited',
    ]);
  });

  it('refuses a link once an administrator has registered', async () => {
    const { inbox, person } = await hosted();
    const anna = person('Anna', 'admin');
    expect(operatorConnection(inbox, null).setUp).toBe(false);
    inbox.store.db
      .prepare(`INSERT INTO passkeys (id, staff_id, public_key, counter, transports, created_at) VALUES ('pk', ?, 'x', 0, '[]', 0)`)
      .run(anna.id);
    expect(operatorInvite(inbox)).toEqual({ error: 'already_set_up' });
    expect(operatorConnection(inbox, 'F'.repeat(43))).toEqual({
      recipient: 'malmo',
      details: null,
      savedAt: null,
      setUp: true,
      identity: 'F'.repeat(43),
      disconnectedAt: null,
    });
  });

  it('disconnects without deleting a stored request, and connects again when approved', async () => {
    const { inbox, receive, store } = await hosted();
    const ref = await receive();
    expect(operatorDisconnect(inbox)).toEqual({ disconnectedAt: NOW.getTime() });
    expect(operatorConnection(inbox, null).disconnectedAt).toBe(NOW.getTime());
    expect(store.get(ref)?.ref).toBe(ref);
    operatorApproved(inbox);
    expect(operatorConnection(inbox, null).disconnectedAt).toBeNull();
  });
});
