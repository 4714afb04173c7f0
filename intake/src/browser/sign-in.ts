/**
 * The sign-in and registration pages: the passkey (with PRF), then at
 * once the member's own key and the unlock, so the first page after
 * sign-in opens requests without a second step. A member without PRF
 * types their phrase here; a new one chooses it here.
 */
import { ApiError } from './http.ts';
import { vaultInfo } from './member-key.ts';
import { registerPasskey, signInWithPasskey, type Who } from './passkey.ts';
import { busy, showError } from './ui.ts';
import { ownKey, unlockWith } from './unlock.ts';
import { word } from './words.ts';

/** Where to go next, or null to stay (a refused grant: its message is on this page). */
async function afterPasskey({ who, prf }: { who: Who; prf: Uint8Array | null }): Promise<string | null> {
  const info = await vaultInfo();
  const privateKey = await ownKey(info, prf);
  // The first administrator, before any vault: setup makes V and grants it to this key.
  if (info.role === 'admin' && info.latestGen === null) return '/vault/setup';
  return (await unlockWith(info, privateKey)) === 'refused' ? null : who.next;
}

function wire(button: HTMLButtonElement | null, start: () => Promise<{ who: Who; prf: Uint8Array | null }>): void {
  const errorBox = document.getElementById('passkey-error')!;
  button?.addEventListener('click', () => {
    errorBox.hidden = true;
    void busy(button, async () => {
      try {
        const next = await afterPasskey(await start());
        if (next) window.location.assign(next);
      } catch (error) {
        showError(errorBox, word(`error_${error instanceof ApiError ? error.code : 'failed'}`));
      }
    });
  });
}

export function signInPage(): void {
  wire(document.querySelector<HTMLButtonElement>('#sign-in'), signInWithPasskey);
}

export function registerPage(): void {
  const button = document.querySelector<HTMLButtonElement>('#register');
  wire(button, () => registerPasskey(button!.dataset['token'] ?? ''));
}
