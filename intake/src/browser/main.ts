/**
 * The team inbox's browser app: one entry (bundled to /assets/inbox-app.js
 * by esbuild, see inbox/app-bundle.ts), dispatched by
 * `document.body.dataset.page`. The server renders every page; the app
 * makes and opens keys and fills in what needs them. Each part of the app
 * adds its page module to `pages`.
 */
import { keysPage } from './keys.ts';
import { listPage, lookupPage, requestPage } from './request-side.ts';
import { recoveryPage } from './recovery.ts';
import { forgetVault } from './session-vault.ts';
import { setupPage } from './setup.ts';
import { registerPage, signInPage } from './sign-in.ts';
import { staffPage } from './staff.ts';
import { ensureUnlocked } from './unlock.ts';

/** Page modules by `<body data-page>`; `signedIn` pages run after the unlock step. */
const pages: Record<string, { run: () => void | Promise<void>; unlockFirst: boolean }> = {
  'sign-in': { run: signInPage, unlockFirst: false },
  register: { run: registerPage, unlockFirst: false },
  'vault-setup': { run: setupPage, unlockFirst: false },
  'vault-recover': { run: recoveryPage, unlockFirst: false },
  staff: { run: staffPage, unlockFirst: false },
  keys: { run: keysPage, unlockFirst: false },
  list: { run: listPage, unlockFirst: true },
  request: { run: requestPage, unlockFirst: true },
  lookup: { run: lookupPage, unlockFirst: true },
};

// Signing out forgets this tab's sealed V too (it would open nothing without the session anyway).
for (const form of document.querySelectorAll<HTMLFormElement>('form[action="/sign-out"], form[action="/sign-out-everywhere"]')) {
  form.addEventListener('submit', () => forgetVault());
}

const name = document.body.dataset['page'] ?? '';
const page = pages[name];
const signedIn = document.body.dataset['staffId'] !== undefined;
if (page && !page.unlockFirst) {
  void page.run();
} else if (signedIn) {
  // Every other signed-in page: unlocked first (or told why not), then its module.
  void ensureUnlocked().then(() => page?.run());
}
