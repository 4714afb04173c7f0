/**
 * Recovery (issue 19, part 3): an administrator who holds no grant types
 * the recovery code; the browser derives the recovery key pair, opens the
 * newest V from the recovery grant, and grants it to the administrator's
 * own key. The code never leaves the page.
 */
import { openGrant, sealGrant, type Grant } from '../team-vault/grants.ts';
import { normalizeRecoveryCode, recoveryKeyPair } from '../team-vault/recovery.ts';
import { getJson, postJson } from './http.ts';
import { vaultInfo } from './member-key.ts';
import { rememberVault } from './session-vault.ts';
import { busy, clearError, showError } from './ui.ts';
import { ownKey } from './unlock.ts';
import { word } from './words.ts';

export function recoveryPage(): void {
  const form = document.querySelector<HTMLFormElement>('#recovery-form')!;
  const input = document.querySelector<HTMLInputElement>('#recovery-code-input')!;
  const error = document.getElementById('recovery-error')!;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearError(error, input);
    const code = normalizeRecoveryCode(input.value);
    if (!code) return showError(error, word('recoveryMalformed'), input);
    void busy(form.querySelector('button'), async () => {
      const { recovery, recoveryPublicKey } = await getJson<{ recovery: Grant | null; recoveryPublicKey: string | null }>(
        '/api/vault/recovery',
      );
      const pair = await recoveryKeyPair(code);
      if (!recovery || pair.publicKey !== recoveryPublicKey) return showError(error, word('recoveryWrong'), input);
      let vaultKey: Uint8Array;
      try {
        vaultKey = await openGrant(recovery, pair.privateKey, 'recovery');
      } catch {
        return showError(error, word('recoveryWrong'), input);
      }
      const info = await vaultInfo();
      // The administrator's own key must exist (made, or unlocked, first) for V to be granted to it.
      if (!info.memberKey) await ownKey(info, null);
      const publicKey = info.memberKey?.publicKey ?? (await vaultInfo()).memberKey!.publicKey;
      await postJson('/api/vault/recovered', { grant: await sealGrant(vaultKey, recovery.gen, publicKey, `member:${info.staffId}`) });
      await rememberVault(vaultKey, recovery.gen);
      vaultKey.fill(0);
      input.value = '';
      window.location.assign('/?m=recoveryDone');
    }).catch(() => showError(error, word('error_failed')));
  });
}
