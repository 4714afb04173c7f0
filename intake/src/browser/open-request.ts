/**
 * Opening stored envelopes in the browser, with the recipient keys of the
 * unlocked vault (session-vault.ts), read leniently (opened-request.ts).
 * A fault says which: a damaged envelope, or a key this browser does not hold.
 */
import { EnvelopeError } from '../../../protocol/envelope.ts';
import { openEnvelopeToJson, type PrivateKeyRing } from '../../../protocol/envelope-open.ts';
import { readLeniently, type OpenedRequest } from '../opened-request.ts';
import type { UnlockedVault } from './session-vault.ts';

export type OpenFault = 'damaged' | 'noKey';

export class OpenError extends Error {
  readonly fault: OpenFault;
  constructor(fault: OpenFault) {
    super(fault);
    this.fault = fault;
    this.name = 'OpenError';
  }
}

export function ringOf(vault: UnlockedVault): PrivateKeyRing {
  return new Map([...vault.recipientKeys].map(([kid, keys]) => [kid, keys.hpke]));
}

/** One stored envelope (its JSON text, or parsed), opened; OpenError('noKey'|'damaged') when it cannot be. */
export async function openStored(envelope: unknown, ring: PrivateKeyRing): Promise<OpenedRequest> {
  let parsed: unknown = envelope;
  if (typeof envelope === 'string') {
    try {
      parsed = JSON.parse(envelope);
    } catch {
      throw new OpenError('damaged');
    }
  }
  try {
    return readLeniently(await openEnvelopeToJson(parsed, ring));
  } catch (error) {
    if (error instanceof EnvelopeError && error.code === 'unknown_kid') throw new OpenError('noKey');
    throw new OpenError('damaged');
  }
}

/** Envelopes by ref (GET /api/requests?refs=…), in batches the URL can carry. */
export async function fetchEnvelopes(
  refs: readonly string[],
  getJson: <T>(url: string) => Promise<T>,
): Promise<{ ref: string; body: unknown }[]> {
  const out: { ref: string; body: unknown }[] = [];
  for (let i = 0; i < refs.length; i += 100) {
    const batch = refs.slice(i, i + 100);
    const answer = await getJson<{ envelopes: { ref: string; body: unknown }[] }>(
      `/api/requests?refs=${batch.map(encodeURIComponent).join(',')}`,
    );
    out.push(...answer.envelopes);
  }
  return out;
}
