/**
 * The keys page for administrators (issue 20, part 3): each key for
 * requests with its short kid (as `intake keys` prints it), its last day,
 * the generation of the team's key it is locked with, and its state; the
 * button that makes the next key in this browser (browser/keys.ts), and
 * "Retire" on every key but the only valid one. One entry per key with a
 * heading, not a wide table: it reads the same at 200 % zoom.
 */
import { html } from 'hono/html';
import { nextNotAfter, validKeys, type KeyReminder } from '../keys/key-dates.ts';
import type { StoredRecipientKey } from '../store/vault.ts';
import { formatDay, keyReminderNotice, layout, type PageContext } from './pages.ts';
import type { InboxText } from './text.ts';

/** The words the app needs on this page, beyond VAULT_WORDS. */
const KEYS_WORDS = ['keyMaking', 'keyStale', 'keyOnlyValid'] as const satisfies readonly (keyof InboxText)[];

/** A key's kid as the page, the audit log and `intake keys` show it: its first 8 characters. */
export const shortKid = (kid: string): string => kid.slice(0, 8);

type KeyState = 'publish' | 'ended' | 'retired' | 'only';

function stateOf(key: StoredRecipientKey, valid: readonly StoredRecipientKey[]): KeyState {
  if (key.retiredAt !== null) return 'retired';
  if (!valid.includes(key)) return 'ended';
  return valid.length === 1 ? 'only' : 'publish';
}

function stateText(state: KeyState, t: InboxText): string {
  if (state === 'retired') return t.keyRetired;
  if (state === 'ended') return t.keyEnded;
  return state === 'only' ? `${t.keyPublish} ${t.keyOnlyValid}` : t.keyPublish;
}

export function keysPage(
  ctx: PageContext,
  keys: StoredRecipientKey[],
  options: { latestGen: number | null; reminder: KeyReminder | null; now: Date },
) {
  const { t } = ctx;
  const valid = validKeys(keys, options.now);
  return layout(
    ctx,
    t.keysHeading,
    html`<h1>${t.keysHeading}</h1>
      ${keyReminderNotice(ctx, options.reminder)}
      <p>${t.keysIntro}</p>
      ${keys.length === 0 ? html`<p>${t.keysNone}</p>` : ''}
      <p class="flash error" role="alert" id="keys-error" tabindex="-1" hidden></p>
      <ul class="keys">
        ${keys.map((key) => {
          const state = stateOf(key, valid);
          const short = shortKid(key.kid);
          return html`<li data-kid="${key.kid}" data-state="${state}">
            <h2>${t.keyLabel} <code translate="no">${short}</code></h2>
            <dl>
              <dt>${t.keyLastDay}</dt>
              <dd>${formatDay(key.notAfter, ctx.lang)}</dd>
              <dt>${t.keyLockedBy}</dt>
              <dd>${t.keyGeneration} ${key.gen}</dd>
              <dt>${t.keyState}</dt>
              <dd>${stateText(state, t)}</dd>
            </dl>
            ${
              state === 'publish' || state === 'ended'
                ? html`<button type="button" data-retire="${key.kid}" aria-label="${t.keyRetireLabel} ${short}">${t.keyRetire}</button>`
                : ''
            }
          </li>`;
        })}
      </ul>
      ${
        options.latestGen === null
          ? ''
          : html`<section aria-labelledby="key-next-heading">
              <h2 id="key-next-heading">${t.keyNextHeading}</h2>
              <p>${t.keyNextText} ${formatDay(nextNotAfter(keys, options.now), ctx.lang)}.</p>
              <noscript><p class="flash error">${t.vaultNeedsJs}</p></noscript>
              <p class="flash" role="status" id="keys-status" hidden></p>
              <button type="button" class="primary" id="key-make">${t.keyMake}</button>
            </section>`
      }`,
    { page: 'keys', words: KEYS_WORDS },
  );
}
