/**
 * The vault's rows (migration 4): what the server keeps of the team's
 * keys is ciphertext and public keys only. Each generation's V sealed to
 * the recovery key, the previous V sealed under the newer one, each
 * member's own key pair (the private half wrapped by a key only their
 * passkey or phrase gives), each member's grant (V sealed to their public
 * key), and the recipient's HPKE keys wrapped under V. Nothing here opens
 * a request; the checks are about shape and who may write what.
 *
 * Migration 5 adds the recipient's identity key (its public half, and its
 * private half boxed under V) and the key statements it signed in an
 * administrator's browser, each with whether the site has it yet.
 */
import type { KeyStatement } from '../../../protocol/key-statement.ts';
import { validKeys } from '../keys/key-dates.ts';
import type { StoreHandle } from './sql.ts';
import { int, intOrNull, only, text, textOrNull, type SqlRow } from './rows.ts';

export interface StoredBox {
  iv: string;
  ct: string;
}
export interface StoredGrant {
  gen: number;
  enc: string;
  ct: string;
}
export interface StoredMemberKey {
  publicKey: string;
  /** The MemberUnlock JSON as the browser wrote it. */
  unlock: unknown;
}
export interface StoredRecipientKey {
  kid: string;
  gen: number;
  publicKey: string;
  notAfter: string;
  wrapped: StoredBox;
  retiredAt: number | null;
}
/** The identity key as the browser made it: its public half and the box of its private half. */
export interface NewIdentityKey {
  publicKey: string;
  wrapped: StoredBox;
}
export interface StoredIdentity extends NewIdentityKey {
  /** The generation whose V boxed it. */
  gen: number;
  createdAt: number;
}
/**
 * waiting: not on the site yet (retried); published: the site has it;
 * refused: the site said no for good (a person must look); superseded: a
 * newer statement came before this one was published.
 */
export type StatementState = 'waiting' | 'published' | 'refused' | 'superseded';
export interface StoredStatement {
  statement: KeyStatement;
  state: StatementState;
  attempts: number;
  /** The last reason it waits or was refused (the site's error code, or "network"). */
  problem: string | null;
  receivedAt: number;
  publishedAt: number | null;
}
export interface NewRecipientKey {
  kid: string;
  publicKey: string;
  notAfter: string;
  wrapped: StoredBox;
}

export type VaultConflictCode =
  | 'vault_exists'
  | 'no_vault'
  | 'member_key_exists'
  | 'stale_generation'
  | 'grants_mismatch'
  | 'no_member_key'
  | 'key_exists'
  | 'no_key'
  | 'key_retired'
  | 'only_valid_key'
  | 'identity_exists'
  | 'stale_statement';

export class VaultConflict extends Error {
  readonly code: VaultConflictCode;
  constructor(code: VaultConflictCode) {
    super(code);
    this.name = 'VaultConflict';
    this.code = code;
  }
}

const json = (row: SqlRow, name: string) => JSON.parse(text(row, name)) as unknown;

export class VaultTables {
  private readonly store: StoreHandle;
  constructor(store: StoreHandle) {
    this.store = store;
  }
  private get db() {
    return this.store.db;
  }

  /** The newest generation, or null before the first administrator's setup. */
  latestGen(): number | null {
    const row = only(this.db.prepare('SELECT max(gen) AS gen FROM vault_generations').get(), 'vault generations');
    return intOrNull(row, 'gen');
  }

  recoveryPublicKey(): string | null {
    const row = this.db.prepare(`SELECT value FROM vault_meta WHERE key = 'recovery_public_key'`).get();
    return row ? text(row, 'value') : null;
  }

  /** The recovery grant of the newest generation (for the recovery page). */
  recoveryGrant(): StoredGrant | null {
    const row = this.db.prepare('SELECT recovery FROM vault_generations ORDER BY gen DESC LIMIT 1').get();
    return row ? (json(row, 'recovery') as StoredGrant) : null;
  }

  memberKey(staffId: number): StoredMemberKey | null {
    const row = this.db.prepare('SELECT public_key, unlock FROM member_keys WHERE staff_id = ?').get(staffId);
    return row ? { publicKey: text(row, 'public_key'), unlock: json(row, 'unlock') } : null;
  }

  /** A member's own key, once: a second one would strand the grant sealed to the first. */
  addMemberKey(staffId: number, key: StoredMemberKey, now: Date): void {
    const result = this.db
      .prepare('INSERT INTO member_keys (staff_id, public_key, unlock, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (staff_id) DO NOTHING')
      .run(staffId, key.publicKey, JSON.stringify(key.unlock), now.getTime());
    if (result.changes !== 1) throw new VaultConflict('member_key_exists');
  }

  grant(staffId: number): StoredGrant | null {
    const row = this.db.prepare('SELECT grant_json FROM member_grants WHERE staff_id = ?').get(staffId);
    return row ? (json(row, 'grant_json') as StoredGrant) : null;
  }

  /** Who has made their own key (its public half), and who holds a grant to the newest generation (the staff page). */
  access(): Map<number, { publicKey: string; grant: boolean }> {
    const latest = this.latestGen();
    const access = new Map<number, { publicKey: string; grant: boolean }>();
    const rows = this.db
      .prepare('SELECT m.staff_id, m.public_key, g.gen FROM member_keys m LEFT JOIN member_grants g ON g.staff_id = m.staff_id')
      .all();
    for (const row of rows)
      access.set(int(row, 'staff_id'), { publicKey: text(row, 'public_key'), grant: latest !== null && intOrNull(row, 'gen') === latest });
    return access;
  }

  /** Members (not removed) holding a grant. */
  grantedStaffIds(): number[] {
    return this.db
      .prepare('SELECT g.staff_id FROM member_grants g JOIN staff s ON s.id = g.staff_id WHERE s.removed_at IS NULL ORDER BY g.staff_id')
      .all()
      .map((row) => int(row, 'staff_id'));
  }

  /** Sets a member's grant for the newest generation (an admin's grant, or a recovered self-grant). */
  setGrant(staffId: number, grant: StoredGrant, grantedBy: number, now: Date): void {
    if (!this.memberKey(staffId)) throw new VaultConflict('no_member_key');
    if (grant.gen !== this.latestGen()) throw new VaultConflict('stale_generation');
    this.db
      .prepare(
        `INSERT INTO member_grants (staff_id, gen, grant_json, granted_by, granted_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (staff_id) DO UPDATE SET gen = excluded.gen, grant_json = excluded.grant_json, granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
      )
      .run(staffId, grant.gen, JSON.stringify(grant), grantedBy, now.getTime());
  }

  private insertKeys(gen: number, keys: readonly NewRecipientKey[], now: Date): void {
    const insert = this.db.prepare(
      'INSERT INTO vault_keys (kid, public_key, not_after, gen, wrapped, created_at, retired_at) VALUES (?, ?, ?, ?, ?, ?, NULL)',
    );
    for (const key of keys) insert.run(key.kid, key.publicKey, key.notAfter, gen, JSON.stringify(key.wrapped), now.getTime());
  }

  /** Generation 1 without a member's grant (development and test intakes, provisioned with a public code). */
  provision(
    setup: { recoveryPublicKey: string; recovery: StoredGrant; keys: readonly NewRecipientKey[]; identity?: NewIdentityKey | undefined },
    createdBy: number | null,
    now: Date,
  ): void {
    this.store.transaction(() => {
      if (this.latestGen() !== null) throw new VaultConflict('vault_exists');
      if (setup.recovery.gen !== 1) throw new VaultConflict('stale_generation');
      this.db
        .prepare('INSERT INTO vault_generations (gen, created_at, created_by, recovery, previous) VALUES (1, ?, ?, ?, NULL)')
        .run(now.getTime(), createdBy, JSON.stringify(setup.recovery));
      this.db
        .prepare(
          `INSERT INTO vault_meta (key, value) VALUES ('recovery_public_key', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        )
        .run(setup.recoveryPublicKey);
      this.insertKeys(1, setup.keys, now);
      if (setup.identity) this.setIdentity(1, setup.identity, createdBy, now);
    });
  }

  /** Generation 1, made by the first administrator's browser; only while no vault exists. */
  setUp(
    adminId: number,
    setup: {
      recoveryPublicKey: string;
      recovery: StoredGrant;
      grant: StoredGrant;
      keys: readonly NewRecipientKey[];
      identity?: NewIdentityKey | undefined;
    },
    now: Date,
  ): void {
    this.store.transaction(() => {
      if (setup.grant.gen !== 1) throw new VaultConflict('stale_generation');
      this.provision(setup, adminId, now);
      this.setGrant(adminId, setup.grant, adminId, now);
    });
  }

  /**
   * A new generation after a member leaves: the previous V sealed under
   * the new one, the new V to recovery and to every member who stays, a
   * new recipient key. Refused unless `grants` names exactly the members
   * who still hold a grant, so nobody who stays is left without access.
   * The departing member's grant goes with the rows the caller deletes.
   */
  rotate(
    adminId: number,
    removedId: number,
    rotation: {
      gen: number;
      recovery: StoredGrant;
      previous: StoredBox;
      grants: readonly { staffId: number; grant: StoredGrant }[];
      keys: readonly NewRecipientKey[];
    },
    now: Date,
  ): void {
    this.store.transaction(() => {
      const latest = this.latestGen();
      if (latest === null) throw new VaultConflict('no_vault');
      if (rotation.gen !== latest + 1 || rotation.recovery.gen !== rotation.gen) throw new VaultConflict('stale_generation');
      const staying = this.grantedStaffIds().filter((id) => id !== removedId);
      const given = rotation.grants.map((g) => g.staffId).sort((a, b) => a - b);
      if (given.length !== staying.length || given.some((id, i) => id !== staying[i])) throw new VaultConflict('grants_mismatch');
      if (rotation.grants.some((g) => g.grant.gen !== rotation.gen)) throw new VaultConflict('stale_generation');
      this.db
        .prepare('INSERT INTO vault_generations (gen, created_at, created_by, recovery, previous) VALUES (?, ?, ?, ?, ?)')
        .run(rotation.gen, now.getTime(), adminId, JSON.stringify(rotation.recovery), JSON.stringify(rotation.previous));
      this.db.prepare('UPDATE vault_keys SET retired_at = ? WHERE retired_at IS NULL').run(now.getTime());
      this.insertKeys(rotation.gen, rotation.keys, now);
      this.db.prepare('DELETE FROM member_grants WHERE staff_id = ?').run(removedId);
      for (const { staffId, grant } of rotation.grants) this.setGrant(staffId, grant, adminId, now);
    });
  }

  /**
   * The next recipient key, made in an administrator's browser and wrapped
   * under the newest generation's V (a key wrapped under an older one would
   * be lost to whoever holds only the newest). Refused when the browser's
   * generation is stale or the kid is taken.
   */
  addKey(gen: number, key: NewRecipientKey, now: Date): void {
    this.store.transaction(() => {
      const latest = this.latestGen();
      if (latest === null) throw new VaultConflict('no_vault');
      if (gen !== latest) throw new VaultConflict('stale_generation');
      if (this.holdsKid(key.kid)) throw new VaultConflict('key_exists');
      this.insertKeys(gen, [key], now);
    });
  }

  /**
   * Retires a key: no longer published (`intake keys`), still opening what
   * was sealed to it. Refused for the only key still valid: new requests
   * would have nothing to be sealed to.
   */
  retireKey(kid: string, now: Date): void {
    this.store.transaction(() => {
      const keys = this.keys();
      const key = keys.find((k) => k.kid === kid);
      if (!key) throw new VaultConflict('no_key');
      if (key.retiredAt !== null) throw new VaultConflict('key_retired');
      const valid = validKeys(keys, now);
      if (valid.length === 1 && valid[0]!.kid === kid) throw new VaultConflict('only_valid_key');
      this.db.prepare('UPDATE vault_keys SET retired_at = ? WHERE kid = ?').run(now.getTime(), kid);
    });
  }

  /** The recipient's identity key (public half, box, generation), or null before it is made. */
  identity(): StoredIdentity | null {
    const row = this.db.prepare('SELECT public_key, gen, wrapped, created_at FROM vault_identity WHERE id = 1').get();
    if (!row) return null;
    return {
      publicKey: text(row, 'public_key'),
      gen: int(row, 'gen'),
      wrapped: json(row, 'wrapped') as StoredBox,
      createdAt: int(row, 'created_at'),
    };
  }

  /**
   * The identity key, once, boxed under the newest generation's V (the
   * first administrator's setup, or the keys page of a vault made before
   * it). A second one would change the fingerprint the site pins.
   */
  setIdentity(gen: number, identity: NewIdentityKey, createdBy: number | null, now: Date): void {
    this.store.transaction(() => {
      const latest = this.latestGen();
      if (latest === null) throw new VaultConflict('no_vault');
      if (gen !== latest) throw new VaultConflict('stale_generation');
      const result = this.db
        .prepare(
          'INSERT INTO vault_identity (id, public_key, gen, wrapped, created_at, created_by) VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
        )
        .run(identity.publicKey, gen, JSON.stringify(identity.wrapped), now.getTime(), createdBy);
      if (result.changes !== 1) throw new VaultConflict('identity_exists');
    });
  }

  /** The newest statement signed, with whether the site has it; null before the first. */
  latestStatement(): StoredStatement | null {
    const row = this.db
      .prepare('SELECT body, state, attempts, problem, received_at, published_at FROM key_statements ORDER BY issued DESC LIMIT 1')
      .get();
    if (!row) return null;
    return {
      statement: json(row, 'body') as KeyStatement,
      state: text(row, 'state') as StatementState,
      attempts: int(row, 'attempts'),
      problem: textOrNull(row, 'problem'),
      receivedAt: int(row, 'received_at'),
      publishedAt: intOrNull(row, 'published_at'),
    };
  }

  /**
   * Keeps a statement the route has verified, waiting to be published;
   * one still waiting is superseded (only the newest is worth publishing).
   * Refused unless it was issued after the newest one kept.
   */
  addStatement(statement: KeyStatement, signedBy: number | null, now: Date): void {
    this.store.transaction(() => {
      const latest = this.latestStatement();
      if (latest && Date.parse(statement.issued) <= Date.parse(latest.statement.issued)) throw new VaultConflict('stale_statement');
      this.db.prepare(`UPDATE key_statements SET state = 'superseded' WHERE state = 'waiting'`).run();
      this.db
        .prepare(`INSERT INTO key_statements (issued, body, signed_by, received_at, state) VALUES (?, ?, ?, ?, 'waiting')`)
        .run(statement.issued, JSON.stringify(statement), signedBy, now.getTime());
    });
  }

  /** After an attempt to publish: its state, and why when it waits or was refused. */
  markStatement(issued: string, state: Exclude<StatementState, 'superseded'>, problem: string | null, now: Date): void {
    this.db
      .prepare(
        `UPDATE key_statements SET state = ?, problem = ?, attempts = attempts + 1,
           published_at = CASE WHEN ? = 'published' THEN ? ELSE published_at END WHERE issued = ?`,
      )
      .run(state, problem, state, now.getTime(), issued);
  }

  /** Whether this intake holds a key for the kid (receiving: else quarantine). Retired keys too: what was sealed to them still arrives. */
  holdsKid(kid: string): boolean {
    return this.db.prepare('SELECT 1 FROM vault_keys WHERE kid = ?').get(kid) !== undefined;
  }

  /** The recipient keys, newest first (the public halves are published; the wrapped private halves open only in a browser). */
  keys(): StoredRecipientKey[] {
    return this.chain().keys;
  }

  /** What a browser needs to reach every generation and every recipient key from the newest V. */
  chain(): { generations: { gen: number; previous: StoredBox | null }[]; keys: StoredRecipientKey[] } {
    const generations = this.db
      .prepare('SELECT gen, previous FROM vault_generations ORDER BY gen DESC')
      .all()
      .map((row) => {
        const previous = textOrNull(row, 'previous');
        return { gen: int(row, 'gen'), previous: previous === null ? null : (JSON.parse(previous) as StoredBox) };
      });
    const keys = this.db
      .prepare('SELECT kid, gen, public_key, not_after, wrapped, retired_at FROM vault_keys ORDER BY gen DESC, created_at DESC')
      .all()
      .map((row) => ({
        kid: text(row, 'kid'),
        gen: int(row, 'gen'),
        publicKey: text(row, 'public_key'),
        notAfter: text(row, 'not_after'),
        wrapped: json(row, 'wrapped') as StoredBox,
        retiredAt: intOrNull(row, 'retired_at'),
      }));
    return { generations, keys };
  }
}
