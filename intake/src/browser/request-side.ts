/**
 * The request side of the inbox app (issue 19): each module starts only on
 * the page whose words block names it, and a page without one is left alone.
 */
import { startListCues } from './list-cues.ts';
import { startLookup } from './lookup.ts';
import { signStaleReplies } from './reply-form.ts';
import { startRequestPage } from './request-page.ts';
import { unlockedVault } from './session-vault.ts';

export async function startRequestSide(): Promise<void> {
  await Promise.all([startRequestPage(), startListCues(), startLookup()]);
  // Replies waiting with a stale signature: any unlocked inbox signs them again.
  const vault = await unlockedVault();
  if (vault) await signStaleReplies(vault).catch(() => 0);
}
