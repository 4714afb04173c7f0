/**
 * Unlocked across pages (the shared design, issue 19): the inbox stays
 * server-rendered, so each page load must find the vault key V again
 * without asking for the passkey or the phrase. After the member unlocks,
 * V (with its generation) is sealed under the session's random unlock key
 * (`GET /api/session-key`, held by the server only while the session
 * lives) and only that ciphertext is kept in sessionStorage. Neither half
 * opens anything alone; when the session ends the stored box is useless.
 *
 * Every key made here is a non-extractable CryptoKey.
 */
import { openPrevious } from '../team-vault/chain.ts';
import { unwrapRecipientKey } from '../team-vault/recipient-keys.ts';
import type { Box } from '../team-vault/sealed-box.ts';
import { openSessionVault, sealSessionVault, sessionKeyFrom } from '../team-vault/session-vault.ts';
import { vaultKeysFrom, type VaultKeys } from '../team-vault/vault-key.ts';
import { getJson } from './http.ts';

export interface UnlockedVault {
  staffId: number;
  role: 'admin' | 'staff';
  gen: number;
  latest: VaultKeys;
  generations: ReadonlyMap<number, VaultKeys>;
  recipientKeys: ReadonlyMap<string, { hpke: CryptoKey; sign: CryptoKey }>;
}

export const STORAGE_KEY = 'utvag-vault';

/** What sessionStorage holds: ciphertext and who it is for, nothing readable. */
interface Stored {
  v: 1;
  staffId: number;
  role: 'admin' | 'staff';
  gen: number;
  box: Box;
}

export interface ChainAnswer {
  generations: { gen: number; previous: Box | null }[];
  keys: { kid: string; gen: number; publicKey: string; notAfter: string; wrapped: Box; retiredAt: number | null }[];
  /** The recipient's identity key (issue 20): its public half and its box under generation `gen`'s V. */
  identity: { publicKey: string; gen: number; wrapped: Box } | null;
}

async function sessionKey(): Promise<CryptoKey> {
  return sessionKeyFrom((await getJson<{ key: string }>('/api/session-key')).key);
}

function readStored(): Stored | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Stored | null;
    if (value?.v !== 1 || !Number.isInteger(value.staffId) || !Number.isInteger(value.gen) || !value.box) return null;
    return value;
  } catch {
    return null;
  }
}

/** Whom the page says is signed in (`<body data-staff-id data-role>`). */
function pageStaff(): { staffId: number; role: 'admin' | 'staff' } | null {
  const staffId = Number(document.body.dataset['staffId']);
  const role = document.body.dataset['role'];
  if (!Number.isInteger(staffId) || (role !== 'admin' && role !== 'staff')) return null;
  return { staffId, role };
}

/** Every generation's keys, from the newest down through the chain of `previous` boxes. */
export async function openChain(latestBytes: Uint8Array, gen: number, chain: ChainAnswer): Promise<Map<number, VaultKeys>> {
  const generations = new Map<number, VaultKeys>();
  let keys = await vaultKeysFrom(latestBytes, gen);
  generations.set(gen, keys);
  const previousOf = new Map(chain.generations.map((g) => [g.gen, g.previous]));
  for (let g = gen; g > 1; g--) {
    const box = previousOf.get(g);
    if (!box) break;
    const older = await openPrevious(keys, box, g - 1);
    keys = await vaultKeysFrom(older, g - 1);
    older.fill(0);
    generations.set(g - 1, keys);
  }
  return generations;
}

/** The recipient's HPKE (and signing) keys of every generation this member can reach. */
export async function openRecipientKeys(
  generations: ReadonlyMap<number, VaultKeys>,
  chain: ChainAnswer,
): Promise<Map<string, { hpke: CryptoKey; sign: CryptoKey }>> {
  const keys = new Map<string, { hpke: CryptoKey; sign: CryptoKey }>();
  for (const key of chain.keys) {
    const vault = generations.get(key.gen);
    if (vault) keys.set(key.kid, await unwrapRecipientKey(vault, key.kid, key.wrapped));
  }
  return keys;
}

let current: Promise<UnlockedVault | null> | null = null;

/** V's bytes and generation from this session's box, or null; only for sealing V to someone (a grant, a rotation). */
export async function currentVaultKey(): Promise<{ bytes: Uint8Array; gen: number; staffId: number } | null> {
  const stored = readStored();
  const staff = pageStaff();
  if (!stored || (staff && staff.staffId !== stored.staffId)) return null;
  try {
    const opened = await openSessionVault(await sessionKey(), stored);
    return { bytes: opened.vaultKeyBytes, gen: opened.gen, staffId: stored.staffId };
  } catch {
    // Another session's box (signed out, timed out): worthless now.
    forgetVault();
    return null;
  }
}

async function load(): Promise<UnlockedVault | null> {
  const stored = readStored();
  const opened = await currentVaultKey();
  if (!stored || !opened) return null;
  const latestBytes = opened.bytes;
  const staff = pageStaff();
  const chain = await getJson<ChainAnswer>('/api/vault/chain');
  const generations = await openChain(latestBytes, stored.gen, chain);
  latestBytes.fill(0);
  return {
    staffId: stored.staffId,
    role: staff?.role ?? stored.role,
    gen: stored.gen,
    latest: generations.get(stored.gen)!,
    generations,
    recipientKeys: await openRecipientKeys(generations, chain),
  };
}

/** The vault, unlocked for this page; null when the member must unlock (again). Loaded once per page. */
export function unlockedVault(): Promise<UnlockedVault | null> {
  current ??= load().catch(() => null);
  return current;
}

/** After an unlock: keeps V for this session's later pages, sealed under the session's key. */
export async function rememberVault(vaultKeyBytes: Uint8Array, gen: number): Promise<void> {
  const staff = pageStaff();
  if (!staff) throw new Error('no signed-in member on this page');
  const { box } = await sealSessionVault(await sessionKey(), vaultKeyBytes, gen);
  const stored: Stored = { v: 1, staffId: staff.staffId, role: staff.role, gen, box };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  current = null;
}

/** On sign-out (and when the stored box no longer opens). */
export function forgetVault(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  current = null;
}
