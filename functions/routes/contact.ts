/**
 * POST /api/contact: takes an encrypted contact request and puts it on the
 * intake queue, exactly as received, with nothing that identifies the
 * sender. Two ways in:
 *  - JavaScript: application/json, the envelope {v,kid,enc,ct} sealed in
 *    the browser. The Worker never sees plaintext. Answers 202.
 *  - No JavaScript: the url-encoded form. The Worker seals the same
 *    envelope at once with the same module and drops the plaintext; it
 *    answers 303 to GET /api/contact/receipt/<token>, the receipt page,
 *    shown once (post-redirect-get, review N4: Back or reload never sends
 *    the form again; the code is in the page, never readable in a URL).
 * Order, cheapest first, so nothing is worked on for a sender that may not
 * send: size and type → configured (RATE_LIMIT_SECRET) → same origin →
 * sender rate limits (address, network, site) → parse and validate → a
 * replayed envelope is answered 202 and dropped (JS path) → the shared
 * recipient and total counts (alarms only, never a refusal: review N1) →
 * seal (no-JS path) → queue. Nothing about a sender or a request is logged.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Env } from '../env.ts';
import { contactErrorStatus, type ContactErrorCode } from '../contact-errors.ts';
import { acceptedKids, loadKeySet } from '../intake-keys.ts';
import { allowSender, countShared, rateLimitConfigured, RATE_LIMIT_PERIOD_SECONDS } from '../rate-limit.ts';
import { markSeen, wasSeen } from '../seen-envelopes.ts';
import { isCrossSite } from '../same-origin.ts';
import { formPageWithAnswers, receiptPage, spentReceiptPage, type FormProblem } from '../no-js-pages.ts';
import { openReceiptTokenOnce, sealReceiptToken } from '../receipt-token.ts';
import { envelopeSchema, sealRequest, measureRequest, EnvelopeError, type Envelope } from '../../protocol/envelope.ts';
import { chooseKey, servingRecipient } from '../../protocol/key-choice.ts';
import { createRequest, type ContactRequest, type ContactRequestInput } from '../../protocol/request.ts';
import { MESSAGE_MAX_LENGTH } from '../../protocol/limits.ts';
import { readContactForm, fieldProblems, fieldProblemString, issuePathsOf, type FieldName } from '../../src/contact/form-fields.ts';
import { useTranslations } from '../../src/i18n/translator.ts';
import { isLocale, defaultLocale, type Locale } from '../../protocol/locales.ts';

/**
 * The envelope is about 22 KB as JSON; the no-JS form at its longest (every
 * character of the message percent-encoded from three UTF-8 bytes) about
 * 40 KB. Anything above this is not a contact request.
 */
export const MAX_BODY_BYTES = 64 * 1024;

type C = Context<{ Bindings: Env }>;

function fail(c: C, code: ContactErrorCode, extra: Record<string, unknown> = {}) {
  if (code === 'rate_limited') c.header('Retry-After', String(RATE_LIMIT_PERIOD_SECONDS));
  return c.json({ error: code, ...extra }, contactErrorStatus[code]);
}

/**
 * The queue for a kid: a recipient that pulls has a queue of its own
 * (INTAKE_PULL_QUEUES: kid → binding name, from `npm run intake --
 * pull-queues`), so its requests are there at once and in no other
 * recipient's queue; every other kid goes to the push queue. A kid routed
 * to a binding the Worker lacks is not sent anywhere (null).
 */
export function queueFor(env: Env, kid: string): Queue<unknown> | null {
  let routes: unknown;
  try {
    routes = JSON.parse(env.INTAKE_PULL_QUEUES ?? '{}');
  } catch {
    return null; // a broken routing table must not send a pulling recipient's requests to the push queue
  }
  const binding = typeof routes === 'object' && routes !== null ? (routes as Record<string, unknown>)[kid] : undefined;
  if (binding === undefined) return env.INTAKE_QUEUE;
  const queue =
    typeof binding === 'string' && binding.startsWith('PULL_QUEUE_') ? (env as unknown as Record<string, unknown>)[binding] : undefined;
  return queue && typeof (queue as Queue<unknown>).send === 'function' ? (queue as Queue<unknown>) : null;
}

/** Queue the envelope as-is: only {v,kid,enc,ct}, nothing about the sender. */
export async function enqueue(env: Env, envelope: Envelope): Promise<boolean> {
  const queue = queueFor(env, envelope.kid);
  if (!queue) return false;
  try {
    await queue.send({ v: envelope.v, kid: envelope.kid, enc: envelope.enc, ct: envelope.ct }, { contentType: 'json' });
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
  // A replay looks accepted to whoever sent it, and costs nothing downstream.
  if (await wasSeen(c.env.SEEN_ENVELOPES, parsed.data.enc)) return c.json({ ok: true }, 202);
  await countShared(c.env, parsed.data.kid);
  if (!(await enqueue(c.env, parsed.data))) return fail(c, 'queue_unavailable');
  await markSeen(c.env.SEEN_ENVELOPES, parsed.data.enc);
  return c.json({ ok: true }, 202);
}

/** "At most 4000 characters; yours has 4312": the limit, and how far over the text is. */
function messageTooLong(locale: Locale, input: ContactRequestInput): string {
  return useTranslations(locale)('form.error.messageTooLong', { max: MESSAGE_MAX_LENGTH, count: input.message.length });
}

/** Field problems of the no-JS form, in the person's language. */
function formProblem(locale: Locale, input: ContactRequestInput, error: unknown): FormProblem {
  const t = useTranslations(locale);
  const fields: Partial<Record<FieldName, string>> = {};
  for (const [field, problem] of Object.entries(fieldProblems(input, issuePathsOf(error)))) {
    fields[field as FieldName] = t(fieldProblemString[problem]);
  }
  // Too long is the one text problem a person can fix by knowing the limit.
  if (fields.message && input.message.length > MESSAGE_MAX_LENGTH) fields.message = messageTooLong(locale, input);
  return { message: t('form.error.invalid'), fields };
}

/**
 * The language of a no-JS post too large to read: the form's first field
 * is its hidden `locale` (ContactForm.astro), so the first bytes name it.
 * Only the first chunk is read, then the rest is cancelled; no Referer is
 * sent to tell it otherwise. A chunked body the size check has already
 * read gets the default language.
 */
async function localeOfTooLargeForm(c: C): Promise<Locale> {
  const body = c.req.raw.body;
  if (!body || body.locked) return defaultLocale;
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  try {
    const { value } = await reader.read();
    const head = new TextDecoder().decode(value?.subarray(0, 64) ?? new Uint8Array(0));
    const named = /^locale=([a-z]{2})(?:&|$)/.exec(head)?.[1] ?? '';
    return isLocale(named) ? named : defaultLocale;
  } catch {
    return defaultLocale;
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

/**
 * A no-JS post over the size limit: the form page again, empty (the body
 * is not read beyond its first chunk), with the limit said in the person's
 * language; never raw JSON.
 */
async function tooLargeForm(c: C): Promise<Response> {
  const locale = await localeOfTooLargeForm(c);
  const message = useTranslations(locale)('form.error.bodyTooLarge', { max: MESSAGE_MAX_LENGTH });
  return formPageWithAnswers(c.env, locale, new URLSearchParams({ locale }), { message, fields: {} }, contactErrorStatus.body_too_large);
}

function isFormPost(c: C): boolean {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** The answers of a url-encoded form, and the language to answer in. */
async function readForm(c: C): Promise<{ answers: URLSearchParams; locale: Locale }> {
  // Read as bytes: the runtime warns when a form body is read as text.
  const answers = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const localeField = answers.get('locale') ?? '';
  return { answers, locale: isLocale(localeField) ? localeField : defaultLocale };
}

/**
 * The no-JS path's answer to a request refused before any work: the form
 * page with a message in the person's language. A refused cross-site post
 * gets an empty form, so another site cannot hand the person a form filled
 * in with its own words.
 */
async function refuseForm(c: C, code: 'forbidden_origin' | 'rate_limited' | 'not_configured'): Promise<Response> {
  const { answers, locale } = await readForm(c);
  const t = useTranslations(locale);
  const message = {
    forbidden_origin: t('form.error.crossSite'),
    rate_limited: t('form.error.rateLimited'),
    not_configured: t('form.error.unavailable'),
  }[code];
  const kept = code === 'forbidden_origin' ? new URLSearchParams({ locale }) : answers;
  const page = await formPageWithAnswers(c.env, locale, kept, { message, fields: {} }, contactErrorStatus[code]);
  if (code === 'rate_limited') page.headers.set('Retry-After', String(RATE_LIMIT_PERIOD_SECONDS));
  return page;
}

async function handleForm(c: C): Promise<Response> {
  const { answers, locale } = await readForm(c);
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
    return again({ message: t('form.error.invalid'), fields: { message: messageTooLong(locale, input) } }, 'invalid_form');
  }

  const keySet = await loadKeySet(c.env);
  // No recipient serves the municipality: not connected (no default recipient), not a fault.
  // Said once, in the summary: nothing chosen is not "the municipality you chose".
  if (keySet && !servingRecipient(keySet, request.municipality)) {
    const message = t(request.municipality === 'unknown' ? 'form.error.chooseMunicipality' : 'form.error.notConnected');
    return again({ message, fields: {}, invalid: ['municipality'] }, 'invalid_form');
  }
  const key = keySet ? chooseKey(keySet, request.municipality) : null;
  if (!key) {
    // A pinned recipient has keys only from a statement that verifies (intake-keys.ts): none, nothing is sealed.
    const pinned = keySet ? servingRecipient(keySet, request.municipality)?.identity !== undefined : false;
    return again({ message: t(pinned ? 'form.error.keyRefused' : 'form.error.unavailable'), fields: {} }, 'keys_unavailable');
  }
  await countShared(c.env, key.kid);

  let envelope: Envelope;
  try {
    envelope = await sealRequest(request, key);
  } catch (error) {
    const code = error instanceof EnvelopeError ? error.code : 'unknown';
    const message = code === 'too_large' ? t('form.error.tooLong') : t('form.error.unavailable');
    return again({ message, fields: {} }, 'keys_unavailable');
  }
  // From here on only the envelope exists; the plaintext goes out of scope.
  if (!(await enqueue(c.env, envelope))) {
    return again({ message: t('form.error.unavailable'), fields: {} }, 'queue_unavailable');
  }
  const token = await sealReceiptToken(c.env.RATE_LIMIT_SECRET!, {
    locale,
    receipt: request.receipt,
    method: request.contact.method,
    recipient: key.recipient,
    kid: envelope.kid,
  });
  return c.redirect(`/api/contact/receipt/${token}`, 303);
}

/** GET /api/contact/receipt/<token>: the receipt page once, then "no longer shown". */
async function handleReceipt(c: C): Promise<Response> {
  const token = c.req.param('token') ?? '';
  const opened = rateLimitConfigured(c.env)
    ? await openReceiptTokenOnce(c.env.RATE_LIMIT_SECRET!, c.env.SEEN_ENVELOPES, token)
    : { shown: false as const };
  const locale = opened.shown ? opened.facts.locale : opened.locale;
  const pageLocale = isLocale(locale) ? locale : defaultLocale;
  const page = opened.shown
    ? await receiptPage(c.env, pageLocale, opened.facts.receipt, opened.facts.method, opened.facts.recipient, opened.facts.kid)
    : await spentReceiptPage(c.env, pageLocale);
  // Without JavaScript nothing can wipe the form page the person left behind: this empties the
  // browser's cache for the site, the back/forward cache included, so Back fetches the form
  // again, empty, and the disk cache keeps no page of the site either (N4).
  page.headers.set('Clear-Site-Data', '"cache"');
  return page;
}

export const contact = new Hono<{ Bindings: Env }>()
  .post(
    '/',
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => (isFormPost(c as C) ? tooLargeForm(c as C) : fail(c as C, 'body_too_large')) }),
    async (c) => {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const isForm = type === 'application/x-www-form-urlencoded';
      if (type !== 'application/json' && !isForm) return fail(c, 'unsupported_media_type');
      const refuse = (code: 'forbidden_origin' | 'rate_limited' | 'not_configured') => (isForm ? refuseForm(c, code) : fail(c, code));
      if (!rateLimitConfigured(c.env)) return refuse('not_configured');
      if (isCrossSite(c.req.raw)) return refuse('forbidden_origin');
      if (!(await allowSender(c.env, c.req.raw))) return refuse('rate_limited');
      return isForm ? handleForm(c) : handleEnvelope(c);
    },
  )
  .get('/receipt/:token', (c) => handleReceipt(c))
  .all('/', (c) => fail(c, 'method_not_allowed'));
