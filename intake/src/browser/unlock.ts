/**
 * Unlocking the inbox (issue 19): the member's own key is opened with the
 * passkey's PRF output or the member's phrase, the grant is opened with it,
 * and V is remembered for this session (session-vault.ts). The steps are
 * rendered into the page's `#vault-unlock` section. Failures get the
 * words of part 8 and leave everything stored as it was.
 */
import { openGrant } from '../team-vault/grants.ts';
import { phraseProblem } from '../team-vault/member-key.ts';
import { makeMemberKey, openOwnKey, vaultInfo, type VaultInfo } from './member-key.ts';
import { prfNow } from './passkey.ts';
import { rememberVault, unlockedVault, type UnlockedVault } from './session-vault.ts';
import { busy, clearError, el, field, showError } from './ui.ts';
import { word } from './words.ts';

const isWrongUnlock = (error: unknown) => (error as { code?: unknown } | null)?.code === 'wrong_unlock';

function slot(): HTMLElement {
  const section =
    document.getElementById('vault-unlock') ?? document.getElementById('main')!.appendChild(el('section', { id: 'vault-unlock' }));
  section.hidden = false;
  return section;
}

/** A short message in the unlock slot, with an optional link; the heading gets the focus. */
export function showMessage(heading: string, text: string, link?: { href: string; label: string }): void {
  const h = el('h2', { tabindex: '-1' }, heading);
  const parts: Node[] = [h, el('p', {}, text)];
  if (link) parts.push(el('p', {}, el('a', { href: link.href }, link.label)));
  slot().replaceChildren(...parts);
  h.focus();
}

/** No grant: the member can sign in but opens nothing; an administrator may set up or recover. */
export function showNoAccess(info: VaultInfo): void {
  const link =
    info.role !== 'admin'
      ? undefined
      : info.latestGen === null
        ? { href: '/vault/setup', label: word('setupHeading') }
        : { href: '/vault/recover', label: word('recoveryHeading') };
  showMessage(word('noAccessHeading'), word('noAccessText'), link);
}

/** A new member without PRF chooses a phrase: typed twice, strength checked (phraseProblem). */
export function choosePhrase(): Promise<string> {
  return new Promise((resolve) => {
    const first = field('new-phrase', word('phraseLabel'), { type: 'password', autocomplete: 'new-password', hint: word('phraseRules') });
    const again = field('new-phrase-again', word('phraseAgainLabel'), { type: 'password', autocomplete: 'new-password' });
    const status = el('p', { role: 'status', class: 'hint' });
    const button = el('button', { type: 'submit', class: 'primary' }, word('phraseButton'));
    const form = el('form', { novalidate: '' }, ...first.parts, ...again.parts, button, status);
    const heading = el('h2', { tabindex: '-1' }, word('phraseHeading'));
    slot().replaceChildren(heading, el('p', {}, word('phraseWhy')), form);
    heading.focus();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearError(first.error, first.input);
      clearError(again.error, again.input);
      const phrase = first.input.value;
      const problem = phraseProblem(phrase);
      if (problem) return showError(first.error, word(`phrase_${problem}`), first.input);
      if (again.input.value !== phrase) return showError(again.error, word('phrase_mismatch'), again.input);
      button.disabled = true;
      status.textContent = word('memberKeyWorking');
      resolve(phrase);
    });
  });
}

/** Asks for the phrase until `open` accepts it; a wrong one is said plainly and the field keeps the focus. */
function askPhrase(open: (phrase: string) => Promise<CryptoKey>): Promise<CryptoKey> {
  return new Promise((resolve, reject) => {
    const phrase = field('unlock-phrase', word('unlockPhraseLabel'), { type: 'password', autocomplete: 'current-password' });
    const button = el('button', { type: 'submit', class: 'primary' }, word('unlockPhraseButton'));
    const form = el('form', { novalidate: '' }, ...phrase.parts, button);
    slot().replaceChildren(el('h2', {}, word('unlockHeading')), el('p', {}, word('unlockPhraseHelp')), form);
    phrase.input.focus();
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearError(phrase.error, phrase.input);
      void busy(button, () => open(phrase.input.value)).then(resolve, (error: unknown) => {
        if (isWrongUnlock(error)) showError(phrase.error, word('unlockWrongPhrase'), phrase.input);
        else reject(error);
      });
    });
  });
}

/** Asks for the passkey (a button: the browser wants a gesture) until its PRF output opens the key. */
function askPasskey(open: (prf: Uint8Array) => Promise<CryptoKey>, firstError?: string): Promise<CryptoKey> {
  return new Promise((resolve, reject) => {
    const error = el('p', { class: 'flash error', role: 'alert', id: 'unlock-error', hidden: '' });
    const button = el('button', { type: 'button', class: 'primary' }, word('unlockPasskeyButton'));
    slot().replaceChildren(el('h2', {}, word('unlockHeading')), el('p', {}, word('unlockPasskeyHelp')), error, button);
    if (firstError) showError(error, firstError);
    button.addEventListener('click', () => {
      clearError(error);
      void busy(button, async () => {
        const prf = await prfNow().catch(() => null);
        if (!prf) return showError(error, word('unlockNoPrf'));
        try {
          resolve(await open(prf));
        } catch (failure) {
          if (isWrongUnlock(failure)) showError(error, word('unlockNoPrf'));
          else reject(failure);
        }
      });
    });
  });
}

/** The member's own private key: made now (a new member), or opened with the PRF output or the phrase. */
export async function ownKey(info: VaultInfo, prf: Uint8Array | null): Promise<CryptoKey> {
  const { staffId, memberKey } = info;
  if (!memberKey) return makeMemberKey(staffId, prf ? { prf } : { phrase: await choosePhrase() });
  const { unlock } = memberKey;
  if (unlock.kind === 'phrase') return askPhrase((phrase) => openOwnKey(staffId, unlock, { phrase }));
  const open = (secret: Uint8Array) => openOwnKey(staffId, unlock, { prf: secret });
  if (!prf) return askPasskey(open);
  try {
    return await open(prf);
  } catch (error) {
    // Another passkey than the one the key was made with (its PRF differs).
    if (isWrongUnlock(error)) return askPasskey(open, word('unlockNoPrf'));
    throw error;
  }
}

/**
 * Opens the member's grant and remembers V for the session. 'no-grant':
 * nothing to open yet; 'refused': the grant does not open with this
 * member's key (made for someone else), said on the page, nothing changed.
 */
export async function unlockWith(info: VaultInfo, privateKey: CryptoKey): Promise<'unlocked' | 'no-grant' | 'refused'> {
  if (!info.grant) return 'no-grant';
  let vaultKey: Uint8Array;
  try {
    vaultKey = await openGrant(info.grant, privateKey, `member:${info.staffId}`);
  } catch {
    showMessage(word('unlockHeading'), word('unlockGrantForOther'));
    return 'refused';
  }
  await rememberVault(vaultKey, info.grant.gen);
  vaultKey.fill(0);
  return 'unlocked';
}

/**
 * On every signed-in page: the unlocked vault, or the unlock step first
 * (after a new tab, or when this session's box is gone). Null when this
 * member holds no grant (the page says why).
 */
export async function ensureUnlocked(): Promise<UnlockedVault | null> {
  const ready = await unlockedVault();
  if (ready) return ready;
  const info = await vaultInfo();
  if (info.memberKey && !info.grant) {
    showNoAccess(info);
    return null;
  }
  const privateKey = await ownKey(info, null);
  const result = await unlockWith(info, privateKey);
  if (result !== 'unlocked') {
    if (result === 'no-grant') showNoAccess(info);
    return null;
  }
  document.getElementById('vault-unlock')!.hidden = true;
  return unlockedVault();
}
