/**
 * The cases a receipt code or a write-back may lead to: metadata from
 * GET /api/cases, envelopes from GET /api/requests?refs=…, opened here.
 * Nothing typed and nothing opened leaves the browser.
 */
import type { ContactRequest } from '../../../protocol/request.ts';
import type { CaseMeta } from '../inbox/pages.ts';
import { getJson } from './http.ts';
import { fetchEnvelopes, openStored, ringOf } from './open-request.ts';
import type { UnlockedVault } from './session-vault.ts';

export interface OpenedCase {
  meta: CaseMeta;
  request: ContactRequest;
}

/** Every case's request this browser can open (those it cannot are skipped: they are not a match). */
export async function openCases(vault: UnlockedVault): Promise<OpenedCase[]> {
  const { cases } = await getJson<{ cases: CaseMeta[] }>('/api/cases');
  const byRef = new Map(cases.map((meta) => [meta.ref, meta]));
  const ring = ringOf(vault);
  const opened: OpenedCase[] = [];
  for (const { ref, body } of await fetchEnvelopes([...byRef.keys()], getJson)) {
    const meta = byRef.get(ref);
    if (!meta) continue;
    try {
      const request = (await openStored(body, ring)).request;
      if (request) opened.push({ meta, request });
    } catch {
      // damaged or another key: not this one
    }
  }
  return opened;
}

/** The case whose request has this id (what a write-back names in followUpOf). */
export async function findCase(id: string, vault: UnlockedVault): Promise<{ ref: string; request: ContactRequest } | null> {
  const found = (await openCases(vault)).find((c) => c.request.id === id);
  return found ? { ref: found.meta.ref, request: found.request } : null;
}
