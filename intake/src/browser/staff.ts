/**
 * The staff page's vault steps (issue 19, parts 2 and 4). "Give access":
 * V sealed to the member's public key. Removing someone who holds a grant:
 * this browser makes V(g+1), seals V(g) under it, seals V(g+1) to every
 * member who stays and to the recovery key, and makes a new recipient key;
 * the server stores it all at once or refuses.
 */
import { sealPrevious } from '../team-vault/chain.ts';
import { sealGrant } from '../team-vault/grants.ts';
import { newVaultKeyBytes, vaultKeysFrom } from '../team-vault/vault-key.ts';
import { postJson } from './http.ts';
import { vaultInfo } from './member-key.ts';
import { newRecipientKey } from './new-generation.ts';
import { currentVaultKey, rememberVault, unlockedVault } from './session-vault.ts';
import { signCurrentKeys } from './statement.ts';
import { showError } from './ui.ts';
import { ensureUnlocked } from './unlock.ts';
import { word } from './words.ts';

function status(): HTMLElement {
  return document.getElementById('vault-status')!;
}

async function grant(staffId: number, publicKey: string): Promise<void> {
  const current = await currentVaultKey();
  if (!current) throw new Error('locked');
  const sealed = await sealGrant(current.bytes, current.gen, publicKey, `member:${staffId}`);
  current.bytes.fill(0);
  await postJson(`/staff/${staffId}/grant`, { grant: sealed });
}

async function removeWithNewGeneration(removedId: number): Promise<void> {
  const current = await currentVaultKey();
  if (!current) throw new Error('locked');
  const info = await vaultInfo();
  if (!info.recoveryPublicKey) throw new Error('no recovery key');
  const gen = current.gen + 1;
  const next = newVaultKeyBytes();
  const nextKeys = await vaultKeysFrom(next, gen);
  // Everyone who holds a grant and stays, from the page (their public keys are public).
  const staying = [...document.querySelectorAll<HTMLElement>('li[data-member][data-granted-key]')]
    .map((li) => ({ staffId: Number(li.dataset['member']), publicKey: li.dataset['grantedKey'] ?? '' }))
    .filter((m) => m.publicKey !== '' && m.staffId !== removedId);
  const body = {
    gen,
    recovery: await sealGrant(next, gen, info.recoveryPublicKey, 'recovery'),
    previous: await sealPrevious(nextKeys, current.bytes, current.gen),
    grants: await Promise.all(
      staying.map(async (m) => ({ staffId: m.staffId, grant: await sealGrant(next, gen, m.publicKey, `member:${m.staffId}`) })),
    ),
    keys: [await newRecipientKey(nextKeys)],
  };
  current.bytes.fill(0);
  await postJson(`/staff/${removedId}/remove`, body);
  await rememberVault(next, gen);
  next.fill(0);
}

export function staffPage(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-grant]')) {
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        if (!(await ensureUnlocked())) throw new Error('locked');
        await grant(Number(button.dataset['grant']), button.dataset['publicKey'] ?? '');
        window.location.assign('/staff?m=grantDone');
      } catch (error) {
        button.disabled = false;
        showError(status(), word((error as Error).message === 'locked' ? 'grantNeedsUnlock' : 'error_failed'));
      }
    });
  }
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-remove]')) {
    // Someone who never had access goes with the plain form; someone with a grant takes a new generation.
    if (form.dataset['hasGrant'] !== '1') continue;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = form.querySelector('button')!;
      button.disabled = true;
      status().textContent = word('removeWorking');
      status().hidden = false;
      try {
        if (!(await ensureUnlocked())) throw new Error('locked');
        await removeWithNewGeneration(Number(form.dataset['remove']));
        // The new generation's key replaced every key on the site: sign the new list (the keys page retries).
        const signed = await unlockedVault()
          .then((vault) => vault && signCurrentKeys(vault))
          .then(
            () => true,
            () => false,
          );
        window.location.assign(signed ? '/staff?m=removeDone' : '/keys?m=statementFailed');
      } catch (error) {
        button.disabled = false;
        showError(status(), word((error as Error).message === 'locked' ? 'grantNeedsUnlock' : 'removeRefused'));
      }
    });
  }
}
