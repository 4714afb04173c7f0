/**
 * The keys page (issue 20, part 3). "Make the next key": this browser
 * makes a new recipient HPKE key pair, its last day by the shared rule
 * (keys/key-dates.ts: 90 days from the newest key's end less 30 days'
 * overlap, or from today), wraps its private half under the newest
 * generation's V and sends the server the public half and the box.
 * "Retire": the server stops offering the key for publishing; it still
 * opens what was sealed to it. After either, the browser signs the new key
 * list with the identity key (statement.ts) and the inbox publishes it.
 * "Make the identity key" (a vault made before it) and "Sign and publish
 * the key list" (after a failure) are here too.
 */
import { nextNotAfter } from '../keys/key-dates.ts';
import { newIdentityKey } from '../team-vault/identity-key.ts';
import { ApiError, getJson, postJson } from './http.ts';
import { newRecipientKey } from './new-generation.ts';
import type { ChainAnswer, UnlockedVault } from './session-vault.ts';
import { signCurrentKeys } from './statement.ts';
import { busy, showError } from './ui.ts';
import { ensureUnlocked } from './unlock.ts';
import { word } from './words.ts';

class Locked extends Error {}

async function unlocked(): Promise<UnlockedVault> {
  const vault = await ensureUnlocked();
  if (!vault) throw new Locked();
  return vault;
}

async function makeNextKey(vault: UnlockedVault): Promise<void> {
  const chain = await getJson<ChainAnswer>('/api/vault/chain');
  const key = await newRecipientKey(vault.latest, nextNotAfter(chain.keys, new Date()));
  await postJson('/api/vault/keys', { gen: vault.gen, ...key });
}

async function makeIdentityKey(vault: UnlockedVault): Promise<void> {
  const identity = await newIdentityKey(vault.latest);
  await postJson('/api/vault/identity', { gen: vault.gen, publicKey: identity.publicKey, wrapped: identity.wrapped });
}

/** Signs the new key list; where it goes next: the change's own message, or the failure (the button is there to retry). */
async function signed(vault: UnlockedVault, done: string): Promise<string> {
  return signCurrentKeys(vault).then(
    () => `/keys?m=${done}`,
    () => '/keys?m=statementFailed',
  );
}

/** What went wrong, in the page's words. */
function problem(error: unknown): string {
  if (error instanceof Locked) return word('grantNeedsUnlock');
  if (error instanceof ApiError && error.code === 'stale_generation') return word('keyStale');
  if (error instanceof ApiError && error.code === 'only_valid_key') return word('keyOnlyValid');
  if (error instanceof ApiError && error.code === 'identity_exists') return word('identityExists');
  return word('error_failed');
}

/** A button that unlocks, does its work, and goes where the work says; a failure is said in #keys-error. */
function action(button: HTMLButtonElement, working: string | null, work: (vault: UnlockedVault) => Promise<string>): void {
  const error = document.getElementById('keys-error')!;
  const status = document.getElementById('keys-status');
  button.addEventListener('click', () => {
    error.hidden = true;
    if (status && working) {
      status.textContent = word(working);
      status.hidden = false;
    }
    void busy(button, async () => {
      try {
        window.location.assign(await work(await unlocked()));
      } catch (failure) {
        if (status) status.hidden = true;
        showError(error, problem(failure));
      }
    });
  });
}

export function keysPage(): void {
  const make = document.querySelector<HTMLButtonElement>('#key-make');
  if (make) action(make, 'keyMaking', async (vault) => (await makeNextKey(vault), signed(vault, 'keyMade')));
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-retire]')) {
    action(button, null, async (vault) => {
      await postJson(`/api/vault/keys/${encodeURIComponent(button.dataset['retire'] ?? '')}/retire`, {});
      return signed(vault, 'keyRetiredDone');
    });
  }
  const identity = document.querySelector<HTMLButtonElement>('#identity-make');
  if (identity) action(identity, 'identityMaking', async (vault) => (await makeIdentityKey(vault), signed(vault, 'identityMade')));
  const sign = document.querySelector<HTMLButtonElement>('#statement-sign');
  if (sign) action(sign, 'statementSigning', (vault) => signed(vault, 'statementSigned'));
}
