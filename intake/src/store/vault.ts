/**
 * The team vault's tables (migration 4, issue 19), as the server keeps
 * them: sealed material only. Each generation's vault key is sealed to the
 * recovery key (and the previous one under the newer); each member's
 * private key is boxed under their own unlock key; each member's grant is
 * the vault key sealed to their public key; the recipient's HPKE keys are
 * boxed under the vault key. The server holds none of the keys that open
 * any of it; it checks only the shapes (zod), so a damaged or foreign
 * value is refused at the door rather than stored.
 *
 * The JSON shapes are the team-vault module's (intake/src/team-vault/),
 * declared again here as schemas: the server's module graph must not reach
 * that module (a unit test checks it).
 */
import type { DatabaseSync } from 'node:sqlite';
import * as z from 'zod';
import { int, intOrNull, text, textOrNull, type SqlRow } from './rows.ts';

const b64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'base64url');

/** An AES-256-GCM box (team-vault sealed-box.ts): 12-byte iv, ciphertext with tag. */
export const boxSchema = z.strictObject({ iv: b64url(16), ct: b64url(200_000) });
export type Box = z.infer<typeof boxSchema>;

/** A vault key sealed to a public key, HPKE base mode (team-vault grants.ts). */
export const grantSchema = z.strictObject({ gen: z.number().int().min(1), enc: b64url(200), ct: b64url(400) });
export type Grant = z.infer<typeof grantSchema>;

/** A member's private key boxed under their unlock key (team-vault member-key.ts). */
export const memberUnlockSchema = z.strictObject({
  v: z.literal(1),
  kind: z.enum(['prf', 'phrase']),
  kdf: z
    .strictObject({ name: z.literal('PBKDF2-SHA256'), iterations: z.number().int().min(100_000).max(10_000_000), salt: b64url(64) })
    .optional(),
  box: boxSchema,
});
export type MemberUnlock = z.infer<typeof memberUnlockSchema>;

/** A raw P-256 public key, base64url (65 bytes: 87 characters). */
export const publicKeySchema = z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'a raw P-256 public key');

/** A recipient key wrapped under the vault key, with its public facts. */
export const wrappedKeySchema = z.strictObject({
  kid: b64url(64),
  publicKey: publicKeySchema,
  notAfter: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  wrapped: boxSchema,
});
export type WrappedKeyInput = z.infer<typeof wrappedKeySchema>;

export interface VaultKeyRow extends WrappedKeyInput {
  gen: number;
  createdAt: number;
  retiredAt: number | null;
}

export interface Generation {
  gen: number;
  createdAt: number;
  createdBy: number | null;
  recovery: Grant;
  previous: Box | null;
}

/** A stored JSON column read back through its schema: what was written is what is read. */
function json<T>(schema: z.ZodType<T>, row: SqlRow, name: string): T {
  return schema.parse(JSON.parse(text(row, name)));
}

export class VaultTables {
  private readonly db: DatabaseSync;
  private readonly transaction: <T>(work: () => T) => T;

  constructor(db: DatabaseSync, transaction: <T>(work: () => T) => T) {
    this.db = db;
    this.transaction = transaction;
  }

  // ------------------------------------------------------------ generations and meta

  /** The newest generation, or null while no vault is set up. */
  latestGen(): number | null {
    const row = this.db.prepare('SELECT max(gen) AS gen FROM vault_generations').get();
    return row ? intOrNull(row, 'gen') : null;
  }

  generations(): Generation[] {
    return this.db
      .prepare('SELECT gen, created_at, created_by, recovery, previous FROM vault_generations ORDER BY gen')
      .all()
      .map((row) => ({
        gen: int(row, 'gen'),
        createdAt: int(row, 'created_at'),
        createdBy: intOrNull(row, 'created_by'),
        recovery: json(grantSchema, row, 'recovery'),
        previous: textOrNull(row, 'previous') === null ? null : json(boxSchema, row, 'previous'),
      }));
  }

  recoveryPublicKey(): string | null {
    const row = this.db.prepare(`SELECT value FROM vault_meta WHERE key = 'recovery_public_key'`).get();
    return row ? text(row, 'value') : null;
  }

  // ------------------------------------------------------------ members

  memberKey(staffId: number): { publicKey: string; unlock: MemberUnlock; createdAt: number } | null {
    const row = this.db.prepare('SELECT public_key, unlock, created_at FROM member_keys WHERE staff_id = ?').get(staffId);
    if (!row) return null;
    return { publicKey: text(row, 'public_key'), unlock: json(memberUnlockSchema, row, 'unlock'), createdAt: int(row, 'created_at') };
  }

  /** A member's own key pair, once: false when they have one already. */
  addMemberKey(staffId: number, publicKey: string, unlock: MemberUnlock, now: Date = new Date()): boolean {
    const result = this.db
      .prepare('INSERT OR IGNORE INTO member_keys (staff_id, public_key, unlock, created_at) VALUES (?, ?, ?, ?)')
      .run(staffId, publicKey, JSON.stringify(memberUnlockSchema.parse(unlock)), now.getTime());
    return result.changes === 1;
  }

  grantOf(staffId: number): Grant | null {
    const row = this.db.prepare('SELECT grant_json FROM member_grants WHERE staff_id = ?').get(staffId);
    return row ? json(grantSchema, row, 'grant_json') : null;
  }

  /** Gives (or replaces) a member's grant. */
  setGrant(staffId: number, grant: Grant, grantedBy: number | null, now: Date = new Date()): void {
    const checked = grantSchema.parse(grant);
    this.db
      .prepare(
        `INSERT INTO member_grants (staff_id, gen, grant_json, granted_by, granted_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (staff_id) DO UPDATE SET gen = excluded.gen, grant_json = excluded.grant_json,
           granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
      )
      .run(staffId, checked.gen, JSON.stringify(checked), grantedBy, now.getTime());
  }

  /** Staff ids that hold a grant, ascending. */
  grantees(): number[] {
    return this.db
      .prepare('SELECT staff_id FROM member_grants ORDER BY staff_id')
      .all()
      .map((row) => int(row, 'staff_id'));
  }

  /** A member's key and grant go (they are removed from the staff). */
  forgetMember(staffId: number): void {
    this.db.prepare('DELETE FROM member_grants WHERE staff_id = ?').run(staffId);
    this.db.prepare('DELETE FROM member_keys WHERE staff_id = ?').run(staffId);
  }

  // ------------------------------------------------------------ recipient keys

  /** Every wrapped recipient key, oldest first (retired ones too: what arrived before still opens). */
  keys(): VaultKeyRow[] {
    return this.db
      .prepare('SELECT kid, public_key, not_after, gen, wrapped, created_at, retired_at FROM vault_keys ORDER BY created_at, kid')
      .all()
      .map((row) => ({
        kid: text(row, 'kid'),
        publicKey: text(row, 'public_key'),
        notAfter: text(row, 'not_after'),
        gen: int(row, 'gen'),
        wrapped: json(boxSchema, row, 'wrapped'),
        createdAt: int(row, 'created_at'),
        retiredAt: intOrNull(row, 'retired_at'),
      }));
  }

  /** Whether this intake holds a key for the kid (receiving: else quarantine). */
  holdsKid(kid: string): boolean {
    return this.db.prepare('SELECT 1 FROM vault_keys WHERE kid = ?').get(kid) !== undefined;
  }

  addKey(key: WrappedKeyInput, gen: number, now: Date = new Date()): void {
    const checked = wrappedKeySchema.parse(key);
    this.db
      .prepare('INSERT INTO vault_keys (kid, public_key, not_after, gen, wrapped, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(checked.kid, checked.publicKey, checked.notAfter, gen, JSON.stringify(checked.wrapped), now.getTime());
  }

  /** Marks keys of generations before `gen` retired: they stay (old requests open) but are no longer published. */
  retireKeysBefore(gen: number, now: Date = new Date()): number {
    return Number(
      this.db.prepare('UPDATE vault_keys SET retired_at = ? WHERE gen < ? AND retired_at IS NULL').run(now.getTime(), gen).changes,
    );
  }

  // ------------------------------------------------------------ setup and rotation

  /**
   * Creates generation 1 (setup by the first administrator), atomically:
   * the recovery public key, V sealed to it, the administrator's grant and
   * the wrapped recipient keys. False when a vault exists already.
   */
  setUp(
    setup: { recoveryPublicKey: string; recovery: Grant; grant: Grant; keys: WrappedKeyInput[]; staffId: number },
    now: Date = new Date(),
  ): boolean {
    return this.transaction(() => {
      if (this.latestGen() !== null) return false;
      this.db
        .prepare('INSERT INTO vault_generations (gen, created_at, created_by, recovery, previous) VALUES (1, ?, ?, ?, NULL)')
        .run(now.getTime(), setup.staffId, JSON.stringify(grantSchema.parse(setup.recovery)));
      this.db
        .prepare(`INSERT INTO vault_meta (key, value) VALUES ('recovery_public_key', ?)`)
        .run(publicKeySchema.parse(setup.recoveryPublicKey));
      this.setGrant(setup.staffId, setup.grant, setup.staffId, now);
      for (const key of setup.keys) this.addKey(key, 1, now);
      return true;
    });
  }

  /**
   * Stores a new generation (a member removed): V_gen sealed to the
   * recovery key, V_{gen-1} boxed under it, new grants for those who stay
   * and the new recipient keys; older keys are retired. Call inside the
   * transaction that removes the member. False unless `gen` is the next one.
   */
  addGeneration(
    next: { gen: number; recovery: Grant; previous: Box; grants: { staffId: number; grant: Grant }[]; keys: WrappedKeyInput[] },
    createdBy: number | null,
    now: Date = new Date(),
  ): boolean {
    return this.transaction(() => {
      if (next.gen !== (this.latestGen() ?? 0) + 1 || next.gen < 2) return false;
      this.db
        .prepare('INSERT INTO vault_generations (gen, created_at, created_by, recovery, previous) VALUES (?, ?, ?, ?, ?)')
        .run(
          next.gen,
          now.getTime(),
          createdBy,
          JSON.stringify(grantSchema.parse(next.recovery)),
          JSON.stringify(boxSchema.parse(next.previous)),
        );
      for (const { staffId, grant } of next.grants) this.setGrant(staffId, grant, createdBy, now);
      this.retireKeysBefore(next.gen, now);
      for (const key of next.keys) this.addKey(key, next.gen, now);
      return true;
    });
  }
}
