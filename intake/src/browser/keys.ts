/**
 * The keys page (issue 20, part 3). "Make the next key": this browser
 * makes a new recipient HPKE key pair, its last day by the shared rule
 * (keys/key-dates.ts: 90 days from the newest key's end less 30 days'
 * overlap, or from today), wraps its private half under the newest
 * generation's V and sends the server the public half and the box.
 * "Retire": the server stops offering the key for publishing; it still
 * opens what was sealed to it.
 */
import { nextNotAfter } from '../keys/key-dates.ts';
import { ApiError, getJson, postJson } from './http.ts';
import { newRecipientKey } from './new-generation.ts';
import type { ChainAnswer } from './session-vault.ts';
import { busy, showError } from './ui.ts';
import { ensureUnlocked } from './unlock.ts';
import { word } from './words.ts';

class Locked extends Error {}

async function makeNextKey(): Promise<void> {
  const vault = await ensureUnlocked();
  if (!vault) throw new Locked();
  const chain = await getJson<ChainAnswer>('/api/vault/chain');
  const key = await newRecipientKey(vault.latest, nextNotAfter(chain.keys, new Date()));
  await postJson('/api/vault/keys', { gen: vault.gen, ...key });
}

/** What went wrong, in the page's words. */
function problem(error: unknown): string {
  if (error instanceof Locked) return word('grantNeedsUnlock');
  if (error instanceof ApiError && error.code === 'stale_generation') return word('keyStale');
  if (error instanceof ApiError && error.code === 'only_valid_key') return word('keyOnlyValid');
  return word('error_failed');
}

export function keysPage(): void {
  const error = document.getElementById('keys-error')!;
  const make = document.querySelector<HTMLButtonElement>('#key-make');
  const status = document.getElementById('keys-status');
  make?.addEventListener('click', () => {
    error.hidden = true;
    if (status) {
      status.textContent = word('keyMaking');
      status.hidden = false;
    }
    void busy(make, async () => {
      try {
        await makeNextKey();
        window.location.assign('/keys?m=keyMade');
      } catch (failure) {
        if (status) status.hidden = true;
        showError(error, problem(failure));
      }
    });
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-retire]')) {
    button.addEventListener('click', () => {
      error.hidden = true;
      void busy(button, async () => {
        try {
          await postJson(`/api/vault/keys/${encodeURIComponent(button.dataset['retire'] ?? '')}/retire`, {});
          window.location.assign('/keys?m=keyRetiredDone');
        } catch (failure) {
          showError(error, problem(failure));
        }
      });
    });
  }
}
