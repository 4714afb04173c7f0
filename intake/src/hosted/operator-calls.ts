/**
 * What the operator may ask of a hosted inbox (issue 20, part 4), as plain
 * functions the Durable Object's RPC methods call (HostedInbox in this
 * folder): the Worker's /api/operator/* routes (functions/routes/
 * operator.ts) reach them, behind OPERATOR_TOKEN, through the object's stub.
 *
 * - invite: a one-time setup link for the first administrator (the
 *   inbox's own invitation, accounts.ts: expiring, single use). Only until
 *   an administrator has registered: after that the operator cannot add
 *   anyone to a municipality's inbox; its administrators invite their team.
 * - connection: what the administrator entered on the Connection page, and
 *   whether the inbox is set up; nothing about any request.
 * - approved / disconnected: the site started or stopped sending to it.
 *   A disconnect deletes nothing: every stored request stays, readable by
 *   its team.
 *
 * Each call leaves an audit line (actor "operator"), which the inbox's log shows.
 */
import type { OperatorConnection, OperatorInviteAnswer } from '../../../protocol/connection.ts';
import { INVITE_HOURS, type Accounts } from '../accounts.ts';
import { appendAudit } from '../audit.ts';
import { ConnectionTable } from '../store/connection.ts';
import type { IntakeStore } from '../store/intake-store.ts';

export interface OperatorInbox {
  recipient: string;
  store: IntakeStore;
  accounts: Accounts;
  now?: () => Date;
}

/** The staff name of the first administrator until they are known; names are the municipality's to give. */
export const FIRST_ADMIN_NAME = 'Första administratören';

/** A new one-time setup link for the first administrator; an earlier unused one stops working. */
export function operatorInvite(inbox: OperatorInbox, options: { name?: string } = {}): OperatorInviteAnswer {
  const { store, accounts } = inbox;
  const now = (inbox.now ?? (() => new Date()))();
  if (accounts.hasRegisteredAdmin()) return { error: 'already_set_up' };
  // One link at a time: an administrator invited before who never registered is replaced, not joined.
  for (const waiting of accounts.unregisteredAdmins()) accounts.removeStaff(waiting.id, now);
  const admin = accounts.createStaff(options.name?.trim() || FIRST_ADMIN_NAME, 'admin', now);
  const token = accounts.invite(admin.id, now, INVITE_HOURS);
  new ConnectionTable(store.db).clearDisconnected();
  appendAudit(store, 'operator', 'operator_invited', null, null, now);
  // The path only: the Worker, which knows the inbox's host, makes the link.
  return { path: `/invite/${token}`, expiresAt: new Date(now.getTime() + INVITE_HOURS * 3_600_000).toISOString() };
}

/** What the administrator entered, with the identity fingerprint the caller knows (the vault's, or null). */
export function operatorConnection(inbox: OperatorInbox, identity: string | null): OperatorConnection {
  const stored = new ConnectionTable(inbox.store.db).read();
  return {
    recipient: inbox.recipient,
    details: stored.details,
    savedAt: stored.savedAt,
    setUp: inbox.accounts.hasRegisteredAdmin(),
    identity,
    disconnectedAt: stored.disconnectedAt,
  };
}

/** The operator approved it (recipients.json names it): connected again after a disconnect. */
export function operatorApproved(inbox: OperatorInbox): void {
  new ConnectionTable(inbox.store.db).clearDisconnected();
}

/** The site stops sending here; nothing stored is deleted. Returns when (ms). */
export function operatorDisconnect(inbox: OperatorInbox): { disconnectedAt: number } {
  const now = (inbox.now ?? (() => new Date()))();
  new ConnectionTable(inbox.store.db).markDisconnected(now);
  appendAudit(inbox.store, 'operator', 'operator_disconnected', null, null, now);
  return { disconnectedAt: now.getTime() };
}
