/**
 * Staff accounts for the team inbox: no passwords. An administrator
 * invites someone with a one-time link that expires; that person registers
 * a passkey (WebAuthn, through @simplewebauthn/server); sessions are random
 * tokens kept only as SHA-256 hashes, so a copy of the database cannot be
 * used to sign in. Every WebAuthn challenge is stored server-side and used
 * once: a replayed sign-in finds no challenge and is refused.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { IntakeStore } from './store.ts';
import { int, intOrNull, text, textOrNull, type SqlRow } from './store/rows.ts';

export const ROLES = ['admin', 'staff'] as const;
export type StaffRole = (typeof ROLES)[number];

/** How long an invite link works. */
export const INVITE_HOURS = 72;
/** A session lasts one long shift at most; then sign in again. */
export const SESSION_HOURS = 12;
/**
 * A session ends after this long without a page opened (security review
 * N15): a workstation left unlocked is not an open inbox for long, and
 * half an hour covers a phone call with the inbox open. The inbox's
 * counts poll (/api/summary) does not keep a session alive.
 */
export const SESSION_IDLE_MINUTES = 30;
/** last_seen_at is written at most this often (not on every page). */
const TOUCH_MS = 60_000;
/** A WebAuthn challenge must be answered within this time. */
export const CHALLENGE_SECONDS = 300;

export interface Staff {
  id: number;
  name: string;
  role: StaffRole;
  webauthnUserId: string;
  createdAt: number;
  removedAt: number | null;
  /** When an administrator confirmed the registration (N8); null: waiting, may open nothing. */
  confirmedAt: number | null;
}

export interface Session {
  staff: Staff;
  csrf: string;
  tokenHash: string;
  /**
   * 32 random bytes (base64url) made at sign-in, gone with the session
   * (issue 19): the browser keeps the vault key only sealed under it, so
   * neither the browser's storage nor the server alone opens anything.
   */
  unlockKey: string;
}

/** Why a sign-in or registration failed, for a clear message (never details an attacker could use). */
export class AccountError extends Error {
  readonly code:
    'invite_expired' | 'invite_used' | 'invite_unknown' | 'challenge_used' | 'not_verified' | 'unknown_passkey' | 'staff_removed';
  constructor(code: AccountError['code']) {
    super(code);
    this.name = 'AccountError';
    this.code = code;
  }
}

export interface RelyingParty {
  /** Shown by the passkey dialog. */
  name: string;
  /** The host name (WebAuthn RP ID): "localhost" in development, the inbox's host in production. */
  id: string;
  /** The inbox's origin, e.g. "https://inkorg.kommun.se" or "http://localhost:8789". */
  origin: string;
}

/** The relying party of an inbox served at `publicUrl` (its origin; the RP ID is its host). */
export function relyingParty(publicUrl: string): RelyingParty {
  const url = new URL(publicUrl);
  return { name: 'Utväg', id: url.hostname, origin: url.origin };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');
const newToken = () => randomBytes(32).toString('base64url');

const isRole = (value: string): value is StaffRole => (ROLES as readonly string[]).includes(value);

/** A staff row, its name opened through the store (names are encrypted at rest, N14). */
function toStaff(row: SqlRow, store: Pick<IntakeStore, 'openName'>): Staff {
  const role = text(row, 'role');
  if (!isRole(role)) throw new Error(`staff.role: unknown role ${JSON.stringify(role)}`);
  return {
    id: int(row, 'id'),
    name: store.openName(text(row, 'name')),
    role,
    webauthnUserId: text(row, 'webauthn_user_id'),
    createdAt: int(row, 'created_at'),
    removedAt: intOrNull(row, 'removed_at'),
    confirmedAt: intOrNull(row, 'confirmed_at'),
  };
}

export class Accounts {
  private readonly store: IntakeStore;
  readonly rp: RelyingParty;
  constructor(store: IntakeStore, rp: RelyingParty) {
    this.store = store;
    this.rp = rp;
  }

  private get db() {
    return this.store.db;
  }

  createStaff(name: string, role: StaffRole, now: Date = new Date()): Staff {
    const trimmed = name.trim().slice(0, 100);
    if (!trimmed) throw new Error('a name is needed');
    const result = this.db
      .prepare('INSERT INTO staff (name, role, webauthn_user_id, created_at) VALUES (?, ?, ?, ?)')
      .run(this.store.sealName(trimmed), role, randomBytes(16).toString('base64url'), now.getTime());
    return this.staff(Number(result.lastInsertRowid))!;
  }

  staff(id: number): Staff | null {
    const row = this.db.prepare('SELECT * FROM staff WHERE id = ?').get(id);
    return row ? toStaff(row, this.store) : null;
  }

  activeStaff(): Staff[] {
    // By name: names are sealed at rest (N14), so they are sorted once opened, not in SQL.
    return this.db
      .prepare('SELECT * FROM staff WHERE removed_at IS NULL ORDER BY id')
      .all()
      .map((row) => toStaff(row, this.store))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** An administrator confirms a registration (N8): from now on the person can open requests. */
  confirmStaff(staffId: number, now: Date = new Date()): boolean {
    return (
      this.db
        .prepare('UPDATE staff SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL AND removed_at IS NULL')
        .run(now.getTime(), staffId).changes === 1
    );
  }

  /** Registered, waiting for an administrator to confirm them. */
  pendingStaff(): Staff[] {
    return this.db
      .prepare(
        'SELECT * FROM staff WHERE removed_at IS NULL AND confirmed_at IS NULL AND EXISTS (SELECT 1 FROM passkeys p WHERE p.staff_id = staff.id) ORDER BY created_at',
      )
      .all()
      .map((row) => toStaff(row, this.store));
  }

  /** A one-time link token for `staffId` (a new person, or an existing one adding a passkey). */
  invite(staffId: number, now: Date = new Date(), hours = INVITE_HOURS): string {
    const token = newToken();
    this.db
      .prepare('INSERT INTO invites (token_hash, staff_id, expires_at) VALUES (?, ?, ?)')
      .run(hashToken(token), staffId, now.getTime() + hours * 3_600_000);
    return token;
  }

  /** Whether an administrator has registered a passkey (the inbox is set up). */
  hasRegisteredAdmin(): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 AS found FROM staff s WHERE s.role = 'admin' AND s.removed_at IS NULL AND EXISTS (SELECT 1 FROM passkeys p WHERE p.staff_id = s.id)`,
        )
        .get() !== undefined
    );
  }

  /** Administrators invited who have not registered yet (oldest first). */
  unregisteredAdmins(): Staff[] {
    return this.db
      .prepare(
        `SELECT * FROM staff WHERE role = 'admin' AND removed_at IS NULL AND NOT EXISTS (SELECT 1 FROM passkeys p WHERE p.staff_id = staff.id) ORDER BY id`,
      )
      .all()
      .map((row) => toStaff(row, this.store));
  }

  /** The staff member an invite is for; throws AccountError when it cannot be used. */
  checkInvite(token: string, now: Date = new Date()): Staff {
    const row = this.db.prepare('SELECT staff_id, expires_at, used_at FROM invites WHERE token_hash = ?').get(hashToken(token)) as
      { staff_id: number; expires_at: number; used_at: number | null } | undefined;
    if (!row) throw new AccountError('invite_unknown');
    if (row.used_at !== null) throw new AccountError('invite_used');
    if (row.expires_at < now.getTime()) throw new AccountError('invite_expired');
    const staff = this.staff(row.staff_id);
    if (!staff || staff.removedAt !== null) throw new AccountError('staff_removed');
    return staff;
  }

  /** Removes a staff member: no sign-in, every session and passkey gone. */
  removeStaff(staffId: number, now: Date = new Date()): void {
    this.store.transaction(() => {
      this.db.prepare('UPDATE staff SET removed_at = ? WHERE id = ?').run(now.getTime(), staffId);
      this.db.prepare('DELETE FROM sessions WHERE staff_id = ?').run(staffId);
      this.db.prepare('DELETE FROM passkeys WHERE staff_id = ?').run(staffId);
      this.db.prepare('UPDATE invites SET used_at = ? WHERE staff_id = ? AND used_at IS NULL').run(now.getTime(), staffId);
      // Their claims go back to the team, so nobody waits on someone who left.
      this.db
        .prepare(`UPDATE requests SET status = 'new', claimed_by = NULL, claimed_at = NULL WHERE claimed_by = ? AND status = 'claimed'`)
        .run(staffId);
    });
  }

  // ------------------------------------------------------------ challenges

  private saveChallenge(challenge: string, purpose: 'register' | 'sign-in', staffId: number | null, now: Date): void {
    this.db.prepare('DELETE FROM challenges WHERE expires_at < ?').run(now.getTime());
    this.db
      .prepare('INSERT INTO challenges (challenge, purpose, staff_id, expires_at) VALUES (?, ?, ?, ?)')
      .run(challenge, purpose, staffId, now.getTime() + CHALLENGE_SECONDS * 1000);
  }

  /** Uses a challenge up (whether or not the rest verifies): a second try with it fails. */
  private consumeChallenge(challenge: string, purpose: 'register' | 'sign-in', staffId: number | null, now: Date): boolean {
    const result = this.db
      .prepare('DELETE FROM challenges WHERE challenge = ? AND purpose = ? AND (staff_id IS ? OR ? IS NULL) AND expires_at >= ?')
      .run(challenge, purpose, staffId, staffId, now.getTime());
    return result.changes === 1;
  }

  // ------------------------------------------------------------ registration

  async registrationOptions(inviteToken: string, now: Date = new Date()) {
    const staff = this.checkInvite(inviteToken, now);
    const existing = this.db
      .prepare('SELECT id, transports FROM passkeys WHERE staff_id = ?')
      .all(staff.id)
      .map((row) => ({ id: text(row, 'id'), transports: text(row, 'transports') }));
    const options = await generateRegistrationOptions({
      rpName: this.rp.name,
      rpID: this.rp.id,
      userName: staff.name,
      userDisplayName: staff.name,
      userID: Buffer.from(staff.webauthnUserId, 'base64url'),
      attestationType: 'none',
      excludeCredentials: existing.map((row) => ({ id: row.id, transports: JSON.parse(row.transports) as string[] })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    this.saveChallenge(options.challenge, 'register', staff.id, now);
    return options;
  }

  /** Verifies a new passkey, uses the invite up and returns a new session token. */
  async register(
    inviteToken: string,
    response: RegistrationResponseJSON,
    now: Date = new Date(),
  ): Promise<{ staff: Staff; token: string }> {
    const staff = this.checkInvite(inviteToken, now);
    let challengeOk = false;
    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: (challenge) => (challengeOk = this.consumeChallenge(challenge, 'register', staff.id, now)),
      expectedOrigin: this.rp.origin,
      expectedRPID: this.rp.id,
      requireUserVerification: true,
    }).catch(() => ({ verified: false as const }));
    if (!challengeOk) throw new AccountError('challenge_used');
    if (!verification.verified) throw new AccountError('not_verified');
    const credential = verification.registrationInfo.credential;
    const token = this.store.transaction(() => {
      const used = this.db
        .prepare('UPDATE invites SET used_at = ? WHERE token_hash = ? AND used_at IS NULL')
        .run(now.getTime(), hashToken(inviteToken));
      if (used.changes !== 1) throw new AccountError('invite_used');
      this.db
        .prepare('INSERT INTO passkeys (id, staff_id, public_key, counter, transports, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(
          credential.id,
          staff.id,
          Buffer.from(credential.publicKey).toString('base64url'),
          credential.counter,
          JSON.stringify(credential.transports ?? []),
          now.getTime(),
        );
      // Only the very first administrator, when nobody could confirm them, is confirmed by registering.
      const anyAdmin = this.db
        .prepare(`SELECT 1 FROM staff WHERE role = 'admin' AND removed_at IS NULL AND confirmed_at IS NOT NULL`)
        .get();
      if (!anyAdmin && staff.role === 'admin')
        this.db.prepare('UPDATE staff SET confirmed_at = ? WHERE id = ?').run(now.getTime(), staff.id);
      return this.createSession(staff.id, now);
    });
    return { staff: this.staff(staff.id)!, token };
  }

  // ------------------------------------------------------------ sign-in

  async signInOptions(now: Date = new Date()) {
    // Discoverable credentials: the browser offers the person's own passkey; no user name typed.
    const options = await generateAuthenticationOptions({ rpID: this.rp.id, userVerification: 'required' });
    this.saveChallenge(options.challenge, 'sign-in', null, now);
    return options;
  }

  async signIn(response: AuthenticationResponseJSON, now: Date = new Date()): Promise<{ staff: Staff; token: string }> {
    const row = this.db.prepare('SELECT * FROM passkeys WHERE id = ?').get(String(response?.id ?? ''));
    if (!row) throw new AccountError('unknown_passkey');
    const staff = this.staff(int(row, 'staff_id'));
    if (!staff || staff.removedAt !== null) throw new AccountError('staff_removed');
    let challengeOk = false;
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: (challenge) => (challengeOk = this.consumeChallenge(challenge, 'sign-in', null, now)),
      expectedOrigin: this.rp.origin,
      expectedRPID: this.rp.id,
      requireUserVerification: true,
      credential: {
        id: text(row, 'id'),
        publicKey: new Uint8Array(Buffer.from(text(row, 'public_key'), 'base64url')),
        counter: int(row, 'counter'),
        transports: JSON.parse(text(row, 'transports')) as never,
      },
    }).catch(() => ({ verified: false as const, authenticationInfo: undefined }));
    if (!challengeOk) throw new AccountError('challenge_used');
    if (!verification.verified || !verification.authenticationInfo) throw new AccountError('not_verified');
    this.db.prepare('UPDATE passkeys SET counter = ? WHERE id = ?').run(verification.authenticationInfo.newCounter, text(row, 'id'));
    return { staff, token: this.createSession(staff.id, now) };
  }

  // ------------------------------------------------------------ sessions

  private createSession(staffId: number, now: Date): string {
    const token = newToken();
    this.db
      .prepare(
        'INSERT INTO sessions (token_hash, staff_id, csrf, created_at, expires_at, last_seen_at, unlock_key) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(hashToken(token), staffId, newToken(), now.getTime(), now.getTime() + SESSION_HOURS * 3_600_000, now.getTime(), newUnlockKey());
    return token;
  }

  /**
   * The session for a cookie value, or null (unknown, expired, idle for
   * SESSION_IDLE_MINUTES, or the person was removed). `touch`: this
   * request counts as activity (a page, not the counts poll).
   */
  session(token: string | undefined, now: Date = new Date(), touch = true): Session | null {
    if (!token) return null;
    const row = this.db
      .prepare(
        'SELECT s.csrf, s.token_hash, s.expires_at, s.last_seen_at, s.unlock_key, st.* FROM sessions s JOIN staff st ON st.id = s.staff_id WHERE s.token_hash = ?',
      )
      .get(hashToken(token));
    if (!row || row['removed_at'] !== null) return null;
    const idle = now.getTime() - int(row, 'last_seen_at');
    // An ended session is deleted, its unlock key with it.
    if (int(row, 'expires_at') < now.getTime() || idle > SESSION_IDLE_MINUTES * 60_000) {
      this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(text(row, 'token_hash'));
      return null;
    }
    if (touch && idle > TOUCH_MS)
      this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(now.getTime(), text(row, 'token_hash'));
    let unlockKey = textOrNull(row, 'unlock_key');
    if (unlockKey === null) {
      // A session from before issue 19 gets its unlock key now.
      unlockKey = newUnlockKey();
      this.db.prepare('UPDATE sessions SET unlock_key = ? WHERE token_hash = ?').run(unlockKey, text(row, 'token_hash'));
    }
    return { staff: toStaff(row, this.store), csrf: text(row, 'csrf'), tokenHash: text(row, 'token_hash'), unlockKey };
  }

  signOut(session: Session): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(session.tokenHash);
  }

  signOutEverywhere(staffId: number): void {
    this.db.prepare('DELETE FROM sessions WHERE staff_id = ?').run(staffId);
  }
}

/** A session's unlock key: 32 random bytes, base64url. */
function newUnlockKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(session: Session, submitted: unknown): boolean {
  if (typeof submitted !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Sign-in attempts per client, in memory only (addresses are never stored
 * or logged): at most `perMinute` per client and `globalPerMinute` in all.
 * Behind a reverse proxy every client has the proxy's address, so the
 * per-client limit is generous (one sign-in is two requests).
 */
export class SignInLimiter {
  private readonly perClient = new Map<string, number[]>();
  private global: number[] = [];
  private readonly perMinute: number;
  private readonly globalPerMinute: number;
  constructor(perMinute = 30, globalPerMinute = 120) {
    this.perMinute = perMinute;
    this.globalPerMinute = globalPerMinute;
  }

  allow(client: string, now = Date.now()): boolean {
    const since = now - 60_000;
    this.global = this.global.filter((t) => t > since);
    const mine = (this.perClient.get(client) ?? []).filter((t) => t > since);
    if (mine.length >= this.perMinute || this.global.length >= this.globalPerMinute) {
      this.perClient.set(client, mine);
      return false;
    }
    mine.push(now);
    this.global.push(now);
    this.perClient.set(client, mine);
    if (this.perClient.size > 10_000) this.perClient.clear();
    return true;
  }
}
