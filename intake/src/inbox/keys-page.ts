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
import type { StatementState, StoredRecipientKey } from '../store/vault.ts';
import { formatDay, keyReminderNotice, layout, type PageContext } from './pages.ts';
import type { InboxText } from './text.ts';

/** The words the app needs on this page, beyond VAULT_WORDS. */
const KEYS_WORDS = [
  'keyMaking',
  'keyStale',
  'keyOnlyValid',
  'identityMaking',
  'identityExists',
  'statementSigning',
] as const satisfies readonly (keyof InboxText)[];

/** What the page says about the identity key and the newest signed statement (issue 20). */
export interface IdentityView {
  /** The identity key's fingerprint (what the operator pins), or null before it is made. */
  fingerprint: string | null;
  publicKey: string | null;
  statement: {
    state: StatementState;
    problem: string | null;
    publishedAt: number | null;
    /** Whether it lists exactly the keys valid now (else the page asks to sign again). */
    current: boolean;
  } | null;
  /** Whether this inbox can publish (a site URL, or hosted); else statements wait. */
  canPublish: boolean;
  /** Whether this inbox knows its recipient id (else nothing is signed). */
  hasRecipient: boolean;
}

function statementText(ctx: PageContext, view: IdentityView) {
  const { t } = ctx;
  const statement = view.statement;
  if (!statement) return html`<p data-statement="none">${t.statementNone}</p>`;
  const said =
    statement.state === 'published'
      ? html`${t.statementPublished}${statement.publishedAt === null ? '' : html` ${formatDay(new Date(statement.publishedAt).toISOString().slice(0, 10), ctx.lang)}`}.`
      : statement.state === 'refused'
        ? html`${t.statementRefused} <code translate="no">${statement.problem ?? ''}</code>`
        : view.canPublish
          ? t.statementWaiting
          : t.statementNoSite;
  return html`<p data-statement="${statement.state}">${said}</p>
    ${statement.current ? '' : html`<p class="flash error" data-statement-outdated>${t.statementOutdated}</p>`}`;
}

function identitySection(ctx: PageContext, view: IdentityView, hasVault: boolean) {
  const { t } = ctx;
  if (!hasVault || !view.hasRecipient) return '';
  if (!view.fingerprint)
    return html`<section aria-labelledby="identity-heading">
      <h2 id="identity-heading">${t.identityHeading}</h2>
      <p>${t.identityNone}</p>
      <noscript><p class="flash error">${t.vaultNeedsJs}</p></noscript>
      <button type="button" class="primary" id="identity-make">${t.identityMake}</button>
    </section>`;
  return html`<section aria-labelledby="identity-heading">
    <h2 id="identity-heading">${t.identityHeading}</h2>
    <p>${t.identityText}</p>
    <dl>
      <dt>${t.identityFingerprint}</dt>
      <dd><code translate="no" id="identity-fingerprint" class="fingerprint">${view.fingerprint}</code></dd>
      <dt>${t.identityPublicKey}</dt>
      <dd><code translate="no" class="fingerprint">${view.publicKey}</code></dd>
    </dl>
    <h3>${t.statementHeading}</h3>
    ${statementText(ctx, view)}
    <button type="button" id="statement-sign">${t.statementSign}</button>
  </section>`;
}

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
  options: { latestGen: number | null; reminder: KeyReminder | null; now: Date; identity: IdentityView },
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
      }
      ${identitySection(ctx, options.identity, options.latestGen !== null)}`,
    { page: 'keys', words: KEYS_WORDS },
  );
}
