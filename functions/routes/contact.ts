/**
 * POST /api/contact: takes an encrypted contact request and puts it on the
 * intake queue, exactly as received, with nothing that identifies the
 * sender. Two ways in:
 *  - JavaScript: application/json, the envelope {v,kid,enc,ct} sealed in
 *    the browser. The Worker never sees plaintext. Answers 202.
 *  - No JavaScript: the url-encoded form. The Worker seals the same
 *    envelope at once with the same module and drops the plaintext; it
 *    answers with the receipt page (the code is in the page, not a URL).
 * Order: size → parse and validate → rate limit → queue. Nothing is logged.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Env } from '../env.ts';
import { contactErrorStatus, type ContactErrorCode } from '../contact-errors.ts';
import { acceptedKids, loadKeySet } from '../intake-keys.ts';
import { allowContactRequest } from '../rate-limit.ts';
import { formPageWithAnswers, receiptPage, type FormProblem } from '../no-js-pages.ts';
import { envelopeSchema, sealRequest, measureRequest, EnvelopeError, type Envelope } from '../../src/contact/envelope.ts';
import { chooseKey, servingRecipient } from '../../src/contact/key-set.ts';
import { createRequest, type ContactRequest, type ContactRequestInput } from '../../src/contact/request.ts';
import {
  readContactForm,
  fieldProblems,
  fieldProblemString,
  issuePathsOf,
  type FieldName,
} from '../../src/contact/form-fields.ts';
import { useTranslations } from '../../src/i18n/translator.ts';
import { isLocale, defaultLocale, type Locale } from '../../src/i18n/locales.ts';

/**
 * The envelope is about 22 KB as JSON; the no-JS form at its longest (every
 * character of the message percent-encoded from three UTF-8 bytes) about
 * 40 KB. Anything above this is not a contact request.
 */
export const MAX_BODY_BYTES = 64 * 1024;

type C = Context<{ Bindings: Env }>;

function fail(c: C, code: ContactErrorCode, extra: Record<string, unknown> = {}) {
  return c.json({ error: code, ...extra }, contactErrorStatus[code]);
}

/** Queue the envelope as-is: only {v,kid,enc,ct}, nothing about the sender. */
async function enqueue(env: Env, envelope: Envelope): Promise<boolean> {
  try {
    await env.INTAKE_QUEUE.send(
      { v: envelope.v, kid: envelope.kid, enc: envelope.enc, ct: envelope.ct },
      { contentType: 'json' },
    );
    return true;
  } catch {
    return false;
  }
}

async function handleEnvelope(c: C): Promise<Response> {
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    return fail(c, 'invalid_json');
  }
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) {
    // Which fields are wrong, never their values.
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))];
    return fail(c, 'invalid_envelope', { fields });
  }
  if (!(await acceptedKids(c.env)).has(parsed.data.kid)) return fail(c, 'unknown_kid');
  if (!(await allowContactRequest(c.env, c.req.raw))) return fail(c, 'rate_limited');
  if (!(await enqueue(c.env, parsed.data))) return fail(c, 'queue_unavailable');
  return c.json({ ok: true }, 202);
}

/** Field problems of the no-JS form, in the person's language. */
function formProblem(locale: Locale, input: ContactRequestInput, error: unknown): FormProblem {
  const t = useTranslations(locale);
  const fields: Partial<Record<FieldName, string>> = {};
  for (const [field, problem] of Object.entries(fieldProblems(input, issuePathsOf(error)))) {
    fields[field as FieldName] = t(fieldProblemString[problem]);
  }
  return { message: t('form.error.invalid'), fields };
}

async function handleForm(c: C): Promise<Response> {
  // Read as bytes: the runtime warns when a form body is read as text.
  const answers = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const localeField = answers.get('locale') ?? '';
  const locale: Locale = isLocale(localeField) ? localeField : defaultLocale;
  const t = useTranslations(locale);
  const again = (problem: FormProblem, code: ContactErrorCode) =>
    formPageWithAnswers(c.env, locale, answers, problem, contactErrorStatus[code]);

  const input = readContactForm(answers);
  let request: ContactRequest;
  try {
    request = createRequest(input);
  } catch (error) {
    return again(formProblem(locale, input, error), 'invalid_form');
  }
  if (!measureRequest(request).fits) {
    return again({ message: t('form.error.tooLong'), fields: { message: t('form.error.tooLong') } }, 'invalid_form');
  }

  const keySet = await loadKeySet(c.env);
  // No recipient serves the municipality: not connected (no default recipient), not a fault.
  if (keySet && !servingRecipient(keySet, request.municipality)) {
    const message = t('form.error.notConnected');
    return again({ message, fields: { municipality: message } }, 'invalid_form');
  }
  const key = keySet ? chooseKey(keySet, request.municipality) : null;
  if (!key) return again({ message: t('form.error.unavailable'), fields: {} }, 'keys_unavailable');

  let envelope: Envelope;
  try {
    envelope = await sealRequest(request, key);
  } catch (error) {
    const code = error instanceof EnvelopeError ? error.code : 'unknown';
    const message = code === 'too_large' ? t('form.error.tooLong') : t('form.error.unavailable');
    return again({ message, fields: {} }, 'keys_unavailable');
  }
  // From here on only the envelope exists; the plaintext goes out of scope.
  if (!(await allowContactRequest(c.env, c.req.raw))) {
    return again({ message: t('form.error.rateLimited'), fields: {} }, 'rate_limited');
  }
  if (!(await enqueue(c.env, envelope))) {
    return again({ message: t('form.error.unavailable'), fields: {} }, 'queue_unavailable');
  }
  return receiptPage(c.env, locale, request.receipt, request.contact.method, key.recipient);
}

export const contact = new Hono<{ Bindings: Env }>()
  .post(
    '/',
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => fail(c as C, 'body_too_large') }),
    async (c) => {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (type === 'application/json') return handleEnvelope(c);
      if (type === 'application/x-www-form-urlencoded') return handleForm(c);
      return fail(c, 'unsupported_media_type');
    },
  )
  .all('/', (c) => fail(c, 'method_not_allowed'));
