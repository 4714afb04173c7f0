/**
 * Pages for the no-JavaScript path, made from the site's own static pages
 * (same layout, same words) with HTMLRewriter: the form page with every
 * answer written back in and the error beside it, or the receipt page with
 * the code written in. The code is in the page, never in a URL. The
 * receipt page is shown once (receipt-token.ts); asked for again, it says
 * only that it is no longer shown.
 */
import type { Env } from './env.ts';
import { fieldNames, type FieldName } from '../src/contact/form-fields.ts';
import type { Locale } from '../protocol/locales.ts';
import { receiptNextStep, spokenReceiptCode } from '../src/contact/receipt-display.ts';
import { keyFingerprint } from '../protocol/key-fingerprint.ts';
import { normalizePhoneNumber } from '../protocol/phone-number.ts';
import { MESSAGE_MAX_LENGTH } from '../protocol/limits.ts';
import { useTranslations } from '../src/i18n/translator.ts';
import { contactHooks } from '../src/components/ContactForm/hooks.ts';
import { is } from '../src/components/hooks.ts';

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => htmlEscapes[c]!);
}

/** The id of the control a field's error links to. */
function fieldAnchor(field: FieldName): string {
  return field === 'method' ? 'method-i-call' : field;
}

async function staticPage(env: Env, path: string): Promise<Response> {
  return env.ASSETS.fetch(new Request(`https://assets.local${path}`));
}

function htmlResponse(body: ReadableStream | null, status: number): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

export async function receiptPage(
  env: Env,
  locale: Locale,
  receipt: string,
  method: string,
  recipient: string,
  kid?: string,
): Promise<Response> {
  const page = await staticPage(env, `/${locale}/kontakt/skickat/`);
  const next = receiptNextStep(method);
  const rewritten = new HTMLRewriter()
    // Only the promise of the recipient the request was sealed to.
    .on(is(contactHooks.receiptPromise), {
      element: (el) => {
        if (el.getAttribute(contactHooks.receiptPromise) !== recipient) el.remove();
      },
    })
    // The key the Worker sealed to, in short form, for comparing with the intake's.
    .on(is(contactHooks.receiptKey), { element: (el) => void (kid ? el.removeAttribute('hidden') : undefined) })
    .on(`${is(contactHooks.receiptKey)} ${is(contactHooks.fingerprint)}`, {
      element: (el) => void (kid ? el.setInnerContent(keyFingerprint(kid)) : undefined),
    })
    .on(is(contactHooks.receiptCode), { element: (el) => void el.setInnerContent(receipt) })
    .on(is(contactHooks.receiptCodeSpoken), { element: (el) => void el.setInnerContent(spokenReceiptCode(receipt)) })
    .on(is(contactHooks.receiptNext), {
      element: (el) => {
        if (el.getAttribute(contactHooks.receiptNext) !== next) el.remove();
      },
    })
    .transform(page);
  return htmlResponse(rewritten.body, 200);
}

/** A receipt page that was shown already (or expired): one sentence, nothing about the request. */
export async function spentReceiptPage(env: Env, locale: Locale): Promise<Response> {
  const page = await staticPage(env, `/${locale}/kontakt/skickat/`);
  const t = useTranslations(locale);
  const rewritten = new HTMLRewriter()
    .on(is(contactHooks.receipt), {
      element: (el) => void el.setInnerContent(`<h2 id="receipt-title">${escapeHtml(t('noJsReceipt.spent'))}</h2>`, { html: true }),
    })
    .transform(page);
  return htmlResponse(rewritten.body, 410);
}

export interface FormProblem {
  /** Shown at the top of the form. */
  message: string;
  /** Shown beside each field at fault. */
  fields: Partial<Record<FieldName, string>>;
  /** Fields at fault that the message at the top already explains: marked, not said again. */
  invalid?: readonly FieldName[];
}

/** The form again, as the person filled it in, with what went wrong. */
export async function formPageWithAnswers(
  env: Env,
  locale: Locale,
  answers: URLSearchParams,
  problem: FormProblem,
  status: number,
): Promise<Response> {
  const page = await staticPage(env, `/${locale}/kontakt/`);
  const t = useTranslations(locale);
  const toFix = Object.keys(problem.fields).length > 0 || (problem.invalid?.length ?? 0) > 0;
  const invalid = (name: string) => Boolean(problem.fields[name as FieldName]) || (problem.invalid ?? []).includes(name as FieldName);
  // The phone number comes back cleaned, as the request would carry it.
  const value = (name: string) => {
    const typed = answers.get(name) ?? '';
    return name === fieldNames.phone ? normalizePhoneNumber(typed) : typed;
  };
  const chosen = (name: string) => new Set(answers.getAll(name));
  const rewriter = new HTMLRewriter()
    // "Fel:" first in the title, so the tab and a screen reader say it at once.
    .on('head > title', { element: (el) => void el.prepend(`${t('form.error.titlePrefix')} `) })
    // The summary takes focus when the page loads (it has tabindex=-1).
    .on(is(contactHooks.formError), {
      element: (el) => {
        el.removeAttribute('hidden');
        el.setAttribute('autofocus', '');
      },
    })
    .on(is(contactHooks.formErrorTitle), {
      element: (el) => void el.setInnerContent(t(toFix ? 'form.error.fixTitle' : 'form.error.title')),
    })
    .on(is(contactHooks.formErrorText), { element: (el) => void el.setInnerContent(problem.message) })
    .on(is(contactHooks.formErrorFields), {
      // A link to each field at fault, so a phone user gets there in one tap.
      element: (el) => {
        for (const [field, text] of Object.entries(problem.fields)) {
          el.append(`<li><a href="#${fieldAnchor(field as FieldName)}">${escapeHtml(text)}</a></li>`, { html: true });
        }
      },
    })
    .on(is(contactHooks.errorFor), {
      element: (el) => {
        const field = el.getAttribute(contactHooks.errorFor) as FieldName;
        const text = problem.fields[field];
        if (text) {
          el.removeAttribute('hidden');
          el.setInnerContent(text);
        }
      },
    })
    .on(`form${is(contactHooks.contactForm)} input`, {
      element: (el) => {
        const name = el.getAttribute('name');
        const type = el.getAttribute('type');
        if (!name || name === fieldNames.locale) return;
        if (invalid(name)) el.setAttribute('aria-invalid', 'true');
        if (type === 'radio' || type === 'checkbox') {
          if (chosen(name).has(el.getAttribute('value') ?? '')) el.setAttribute('checked', '');
          else el.removeAttribute('checked');
        } else {
          el.setAttribute('value', value(name));
        }
      },
    })
    .on(`form${is(contactHooks.contactForm)} select[name="municipality"]`, {
      element: (el) => void (invalid('municipality') ? el.setAttribute('aria-invalid', 'true') : undefined),
    })
    .on(`form${is(contactHooks.contactForm)} select[name="municipality"] option`, {
      element: (el) => {
        if (el.getAttribute('value') === value('municipality')) el.setAttribute('selected', '');
        else el.removeAttribute('selected');
      },
    })
    .on(`form${is(contactHooks.contactForm)} textarea[name="message"]`, {
      element: (el) => {
        if (problem.fields.message) el.setAttribute('aria-invalid', 'true');
        // setInnerContent escapes the text: what was typed comes back as typed.
        el.setInnerContent(value('message'));
      },
    })
    // The counter as the script would show it: without JavaScript it is never updated.
    .on(is(contactHooks.messageCountOutput), {
      element: (el) =>
        void el.setInnerContent(
          t('form.message.count', { count: Math.max(0, MESSAGE_MAX_LENGTH - value('message').length), max: MESSAGE_MAX_LENGTH }),
        ),
    });
  return htmlResponse(rewriter.transform(page).body, status);
}
