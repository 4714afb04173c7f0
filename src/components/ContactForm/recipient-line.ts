/**
 * Who will read the request: the municipality chosen (or the one a link
 * from its page names, ?kommun=<id>, if it is connected), the recipient
 * that serves it and what it has promised, and its key's fingerprint.
 * With no recipient for the choice there is nothing to send to: no send
 * button (there is no default recipient).
 */
import { chooseKey, servingRecipient } from '../../../protocol/key-choice.ts';
import { keyFingerprint } from '../../../protocol/key-fingerprint.ts';
import { loadKeySet } from '../../client/key-set-loader.ts';
import { contactHooks } from './hooks.ts';
import { is } from '../hooks.ts';

/** Shows a key's fingerprint (80 bits, N13) in a line (or hides it), so people can compare it with the intake's. */
export function showFingerprint(line: HTMLElement | null, kid: string | null): void {
  if (!line) return;
  line.querySelector(is(contactHooks.fingerprint))!.textContent = kid ? keyFingerprint(kid) : '';
  line.hidden = !kid;
}

export function recipientLine(form: HTMLFormElement): void {
  const submitButton = form.querySelector<HTMLButtonElement>(is(contactHooks.submit))!;
  const municipality = form.querySelector<HTMLSelectElement>('#municipality')!;
  const line = form.querySelector<HTMLElement>(is(contactHooks.recipientLine))!;
  const keyLine = form.querySelector<HTMLElement>(is(contactHooks.keyFingerprint));
  const notConnectedNote = form.querySelector<HTMLElement>(is(contactHooks.notConnectedNote));

  const wanted = new URLSearchParams(location.search).get('kommun');
  const wantedOption = wanted ? municipality.querySelector<HTMLOptionElement>(`option[value="${CSS.escape(wanted)}"]`) : null;
  if (wantedOption && !wantedOption.disabled) municipality.value = wantedOption.value;

  const update = async () => {
    try {
      const keys = await loadKeySet();
      const serving = servingRecipient(keys, municipality.value);
      const name = serving && municipality.value !== 'unknown' ? municipality.selectedOptions[0]?.textContent : null;
      line.textContent = name ? (line.dataset.template ?? '').replace('{name}', name) : '';
      line.hidden = !name;
      for (const block of form.querySelectorAll<HTMLElement>(is(contactHooks.recipientPromise))) {
        block.hidden = block.getAttribute(contactHooks.recipientPromise) !== serving?.id;
      }
      if (notConnectedNote) notConnectedNote.hidden = serving !== null;
      submitButton.hidden = serving === null;
      showFingerprint(keyLine, serving ? (chooseKey(keys, municipality.value)?.kid ?? null) : null);
    } catch {
      line.hidden = true; // offline now: the send step will say so
      showFingerprint(keyLine, null);
    }
  };
  municipality.addEventListener('change', () => void update());
  void update();
}
