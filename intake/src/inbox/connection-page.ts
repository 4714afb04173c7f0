/**
 * The "Connection" page for administrators (issue 20, part 4): the promise
 * the site will show, a phone number and whose it is, and the alert
 * webhook. A plain form, no JavaScript: it works the same in both homes of
 * the inbox. Errors are listed first (role=alert, each a link to its
 * field) and said again next to each field, which keeps what was typed.
 */
import { html } from 'hono/html';
import { localeCodes } from '../../../protocol/locales.ts';
import { publishableNumber } from '../../../protocol/connection.ts';
import type { StoredConnection } from '../store/connection.ts';
import type { ConnectionField, ConnectionForm } from './connection-form.ts';
import { connectionText, type ConnectionText } from './connection-text.ts';
import { csrfField, formatTime, layout, type PageContext } from './pages.ts';

export interface ConnectionPageState {
  stored: StoredConnection;
  /** What the form shows: the stored details, or what was just posted. */
  values: ConnectionForm;
  errors: readonly (ConnectionField | 'other')[];
  saved: boolean;
  /** Where the promise is published: required, except for a development recipient (connection-form.ts). */
  addressRequired: boolean;
}

const errorId = (field: string) => `${field}-error`;

export function connectionPage(ctx: PageContext, state: ConnectionPageState) {
  const w: ConnectionText = connectionText[ctx.lang];
  const { values, errors } = state;
  const has = (field: ConnectionField) => errors.includes(field);
  const value = (name: string) => values[name] ?? '';
  const errorText = (field: ConnectionField | 'other') => w[`err_${field}`];
  const fieldError = (field: ConnectionField) =>
    has(field) ? html`<p class="field-error" id="${errorId(field)}">${errorText(field)}</p>` : '';
  const described = (field: ConnectionField, help?: string) => {
    const ids = [help, has(field) ? errorId(field) : undefined].filter(Boolean).join(' ');
    return html`${ids ? html` aria-describedby="${ids}"` : ''}${has(field) ? html` aria-invalid="true"` : ''}`;
  };
  const input = (
    field: ConnectionField,
    label: string,
    attributes: { type?: string; help?: string; required?: boolean; inputmode?: string },
  ) =>
    html`<label for="${field}">${label}</label>
      ${attributes.help ? html`<p class="hint" id="${field}-help">${attributes.help}</p>` : ''} ${fieldError(field)}
      <input
        id="${field}"
        name="${field}"
        type="${attributes.type ?? 'text'}"
        value="${value(field)}"
        ${attributes.required ? 'required' : ''}
        ${attributes.inputmode ? html`inputmode="${attributes.inputmode}"` : ''}
        autocomplete="off"
        ${described(field, attributes.help ? `${field}-help` : undefined)}
      />`;
  const perLocale = (prefix: 'hours' | 'madeBy', label: string, help: string) =>
    html`<fieldset>
      <legend>${label}</legend>
      <p class="hint" id="${prefix}-help">${help}</p>
      ${prefix === 'hours' ? fieldError('hours_sv') : fieldError('madeBy_sv')}
      ${localeCodes.map((code) => {
        const name = `${prefix}_${code}`;
        const field = `${prefix}_sv` as ConnectionField;
        return html`<label for="${name}">${w[`language_${code}`]}</label>
          <input
            id="${name}"
            name="${name}"
            value="${value(name)}"
            autocomplete="off"
            ${code === 'sv' ? described(field, `${prefix}-help`) : ''}
            ${code === 'sv' && prefix === 'madeBy' ? 'required' : ''}
          />`;
      })}
    </fieldset>`;
  const phone = value('phone') ? publishableNumber(value('phone')) : null;

  return layout(
    ctx,
    w.heading,
    html`<h1>${w.heading}</h1>
      <p>${w.intro}</p>
      ${state.stored.disconnectedAt !== null ? html`<p class="flash error" id="disconnected">${w.disconnected}</p>` : ''}
      ${state.saved ? html`<p class="flash ok" role="status" id="connection-saved">${w.saved}</p>` : ''}
      ${
        errors.length > 0
          ? html`<div class="flash error" role="alert" id="connection-errors">
              <p>${w.errorsHeading}</p>
              <ul>
                ${errors.map((field) =>
                  field === 'other' ? html`<li>${errorText(field)}</li>` : html`<li><a href="#${field}">${errorText(field)}</a></li>`,
                )}
              </ul>
            </div>`
          : ''
      }
      ${state.stored.savedAt !== null ? html`<p class="hint">${w.savedAt}: ${formatTime(state.stored.savedAt, ctx.lang)}</p>` : ''}
      <form method="post" action="/connection" novalidate>
        ${csrfField(ctx)}
        <h2>${w.promiseHeading}</h2>
        <p>${w.promiseHelp}</p>
        ${input('firstContactWithinHours', w.firstContactWithinHours, { type: 'text', inputmode: 'numeric', required: true })}
        <fieldset ${described('hoursKind')}>
          <legend>${w.hoursKind}</legend>
          ${fieldError('hoursKind')}
          <div class="choice">
            <input
              type="radio"
              id="hoursKind-around"
              name="hoursKind"
              value="around-the-clock"
              ${value('hoursKind') === 'set' ? '' : 'checked'}
            />
            <label for="hoursKind-around">${w.hoursAroundTheClock}</label>
          </div>
          <div class="choice">
            <input type="radio" id="hoursKind-set" name="hoursKind" value="set" ${value('hoursKind') === 'set' ? 'checked' : ''} />
            <label for="hoursKind-set">${w.hoursSet}</label>
          </div>
        </fieldset>
        ${perLocale('hours', w.hoursText, w.hoursHelp)} ${perLocale('madeBy', w.madeBy, w.madeByHelp)}
        ${input('since', w.since, { required: true })} ${input('sourceName', w.sourceName, { required: true })}
        ${input('sourceYear', w.sourceYear, { inputmode: 'numeric', required: true })}
        ${input('sourceAddress', w.sourceAddress, { type: 'url', required: state.addressRequired })}
        <h2>${w.phoneHeading}</h2>
        <p>${w.phoneHelp}</p>
        ${input('phone', w.phone, { type: 'tel' })}
        ${value('phone') && !has('phone') ? html`<p class="hint" id="phone-listed">${phone ? w.phoneListed : w.phoneNotListed}</p>` : ''}
        ${input('phoneOwner', w.phoneOwner, { help: w.phoneOwnerHelp })}
        <h2>${w.webhookHeading}</h2>
        ${input('webhook', w.webhook, { type: 'url', help: w.webhookHelp })}
        <p><button type="submit" class="primary">${w.save}</button></p>
      </form>`,
  );
}
