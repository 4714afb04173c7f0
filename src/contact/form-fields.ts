/**
 * The contact form's field names and how their values become a request.
 * One mapping for both paths: the browser reads FormData, the Worker (no
 * JavaScript) reads the url-encoded body, and both get the same request.
 */
import type { ContactMethod, ContactRequestInput, Need, Role } from '../../protocol/request.ts';
import { contactMethods, methodsWithoutPhone, needs, roles } from '../../protocol/limits.ts';
import { normalizePhoneNumber } from '../../protocol/phone-number.ts';
import { isLocale, defaultLocale } from '../../protocol/locales.ts';
import type { StringKey } from '../i18n/strings-schema.ts';

export const fieldNames = {
  locale: 'locale',
  role: 'role',
  municipality: 'municipality',
  needs: 'needs',
  method: 'method',
  phone: 'phone',
  safeTimes: 'safeTimes',
  voicemailOk: 'voicemailOk',
  mayNameSocialServices: 'mayNameSocialServices',
  language: 'language',
  interpreter: 'interpreter',
  message: 'message',
} as const;

export type FieldName = (typeof fieldNames)[keyof typeof fieldNames];

/** What both FormData and URLSearchParams offer. */
export interface FieldSource {
  get(name: string): unknown;
  getAll(name: string): unknown[];
}

function text(source: FieldSource, name: FieldName): string {
  const value = source.get(name);
  return typeof value === 'string' ? value : '';
}

function oneOf<T extends string>(value: string, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Textareas send CRLF; the request keeps LF, so both paths store the same text. */
function normalizeNewlines(value: string): string {
  return value.replace(/\r\n?/g, '\n');
}

/**
 * Reads the form into request input. Unknown choices fall back to safe
 * defaults (role and municipality unknown, contact by the receipt code); the
 * phone number is cleaned (digits of any script, dashes; phone-number.ts);
 * other free text is passed on as typed (trimmed) and validated by the request schema afterwards.
 */
export function readContactForm(source: FieldSource): ContactRequestInput {
  const locale = text(source, 'locale');
  const phone = normalizePhoneNumber(text(source, 'phone'));
  const chosenNeeds = source
    .getAll('needs')
    .filter((v): v is string => typeof v === 'string')
    .filter((v): v is Need => (needs as readonly string[]).includes(v));
  const method: ContactMethod = oneOf(text(source, 'method'), contactMethods, 'i-call');
  return {
    locale: isLocale(locale) ? locale : defaultLocale,
    role: oneOf<Role>(text(source, 'role'), roles, 'unknown'),
    municipality: text(source, 'municipality').trim() || 'unknown',
    needs: [...new Set(chosenNeeds)],
    contact: {
      method,
      ...(phone ? { phone } : {}),
      safeTimes: text(source, 'safeTimes').trim(),
      voicemailOk: source.get('voicemailOk') === 'yes',
      mayNameSocialServices: source.get('mayNameSocialServices') === 'yes',
    },
    language: text(source, 'language').trim(),
    interpreter: source.get('interpreter') === 'yes',
    message: normalizeNewlines(text(source, 'message')).trim(),
  };
}

/** Which form field a request-schema issue path points at, so the error shows beside it. */
function fieldForIssuePath(path: string): FieldName | 'form' {
  if (path.startsWith('contact.phone')) return 'phone';
  if (path.startsWith('contact.safeTimes')) return 'safeTimes';
  if (path.startsWith('contact.method')) return 'method';
  if (path.startsWith('message')) return 'message';
  if (path.startsWith('language')) return 'language';
  if (path.startsWith('municipality')) return 'municipality';
  return 'form';
}

/** Why a field needs fixing. Each kind has one interface string, said the same on both paths. */
export type FieldProblem = 'phone' | 'phoneNeeded' | 'text';

export const fieldProblemString = {
  phone: 'form.error.phone',
  phoneNeeded: 'form.error.phoneNeeded',
  text: 'form.error.text',
} as const satisfies Record<FieldProblem, StringKey>;

/**
 * The fields at fault, from the request schema's issue paths: the browser
 * and the Worker (no JavaScript) show the same errors beside the same fields.
 */
export function fieldProblems(input: ContactRequestInput, issuePaths: readonly string[]): Partial<Record<FieldName, FieldProblem>> {
  const problems: Partial<Record<FieldName, FieldProblem>> = {};
  for (const path of issuePaths) {
    const field = fieldForIssuePath(path);
    if (field === 'phone') problems.phone = input.contact.phone ? 'phone' : 'phoneNeeded';
    else if (field !== 'form') problems[field] = 'text';
  }
  // zod skips the object's own "needs a phone" rule when another field
  // already failed; say it anyway, so one try shows everything to fix.
  if (!methodsWithoutPhone.includes(input.contact.method) && !input.contact.phone) problems.phone = 'phoneNeeded';
  return problems;
}

/** The issue paths of a failed createRequest (a zod error), never the values. The browser has them from requestProblems. */
export function issuePathsOf(error: unknown): string[] {
  const issues = (error as { issues?: { path: PropertyKey[] }[] }).issues ?? [];
  return issues.map((issue) => issue.path.map(String).join('.'));
}
