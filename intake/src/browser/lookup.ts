/**
 * Look-up by receipt code, in the browser (N15, issue 19): the code is
 * normalized here and compared with the receipt inside each open and closed
 * request, opened here. The code never leaves the browser; the server hears
 * only how many matched (POST /api/looked-up, for the audit line). A
 * write-back's own code leads to its case, once.
 */
import { normalizeReceiptCode } from '../../../protocol/receipt-code.ts';
import { lookupResult, type CaseMeta, type LookupResult } from '../inbox/pages.ts';
import { openCases } from './cases.ts';
import { postJson } from './http.ts';
import { fill, pageContext, pageData } from './page-words.ts';
import { unlockedVault } from './session-vault.ts';

export async function startLookup(): Promise<void> {
  const data = pageData();
  const form = document.querySelector<HTMLFormElement>('form[data-form="lookup"]');
  const slot = document.getElementById('lookup-result');
  if (data?.kind !== 'lookup' || !form || !slot) return;
  const ctx = pageContext();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const field = form.querySelector<HTMLInputElement>('input[name="code"]');
    const typed = (field?.value ?? '').slice(0, 64);
    void (async () => {
      const wanted = normalizeReceiptCode(typed);
      // Not a code: nothing was searched, so nothing to log.
      if (!wanted.ok) {
        return fill(slot, lookupResult(ctx, { kind: 'invalid' }, Date.now()));
      }
      slot.innerHTML = '';
      const working = document.createElement('p');
      working.setAttribute('role', 'status');
      working.textContent = ctx.t.lookupWorking;
      slot.append(working);
      const vault = await unlockedVault();
      if (!vault) {
        working.textContent = ctx.t.faultNoKey;
        return;
      }
      const cases = await openCases(vault);
      const byRef = new Map(cases.map((c) => [c.meta.ref, c.meta]));
      const matched = cases.filter((c) => {
        const code = normalizeReceiptCode(c.request.receipt);
        return code.ok && code.code === wanted.code;
      });
      const rows = new Map<string, CaseMeta>();
      for (const match of matched) {
        const caseRef = match.meta.followUpOf ?? match.meta.ref;
        const meta = byRef.get(caseRef) ?? match.meta;
        rows.set(meta.ref, meta);
      }
      await postJson('/api/looked-up', { found: rows.size }).catch(() => undefined);
      const result: LookupResult = rows.size === 0 ? { kind: 'none' } : { kind: 'found', rows: [...rows.values()] };
      await fill(slot, lookupResult(ctx, result, Date.now()));
    })();
  });
}
