/**
 * The request side of the inbox app (issue 19), one module per page, run
 * by main.ts after the unlock step. Where the inbox is unlocked, replies
 * waiting with a stale signature are signed again too.
 */
import { startListCues } from './list-cues.ts';
import { startLookup } from './lookup.ts';
import { signStaleReplies } from './reply-form.ts';
import { startRequestPage } from './request-page.ts';
import { unlockedVault } from './session-vault.ts';

async function signAgain(): Promise<void> {
  const vault = await unlockedVault();
  if (vault) await signStaleReplies(vault).catch(() => 0);
}

export async function listPage(): Promise<void> {
  await Promise.all([startListCues(), signAgain()]);
}

export async function requestPage(): Promise<void> {
  await Promise.all([startRequestPage(), signAgain()]);
}

export async function lookupPage(): Promise<void> {
  await startLookup();
}
