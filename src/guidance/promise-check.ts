/**
 * The check that keeps the site to what is true about phone numbers and
 * contact time (issue 9 item 8; ARCHITECTURE.md "Promises come from data"):
 *
 * - A phone number in any page, interface string or help-directory text
 *   must be publishable: one of protocol/phone-numbers.ts (each from
 *   shared/facts.md, with its source there), a number the municipality
 *   contacts data does not mark doubtful (src/help-directory/municipality-contacts.ts),
 *   or a recipient's declared line (which the recipients schema already
 *   limits to those). Digits in any script count: Arabic-Indic (٠–٩),
 *   Persian (۰–۹) and Ge'ez numerals are read as digits first.
 * - A text that carries a number must name whose number it is, in the
 *   sentence with the number or the one before (NUMBER_OWNERS; for a
 *   municipality's number, the municipality's name): never a bare
 *   "… or 08-508 25 600" (review finding T3-03).
 * - A time promise ("inom 24 timmar", "within a day", "dygnet runt" said of
 *   contact, digits + hours in any of the six languages) may appear only in
 *   text that is filled from recipient data: the interface strings
 *   `promise.*`, which must name the maker ({{maker}}) and the time only
 *   through placeholders.
 *
 * Used by src/guidance/check-content.ts (npm run check:content, npm test);
 * tests/unit/promise-check.test.ts shows cases that must fail.
 */
import { NUMBER_OWNERS, verifiedPhoneNumbers } from '../../protocol/phone-numbers.ts';
import { loadContacts } from '../help-directory/municipality-contacts.ts';
import { findMunicipality } from '../../protocol/municipalities.ts';

let contactDigits: Map<string, RegExp> | undefined;

/** Digits of every number the contacts data publishes → a pattern for the municipality's name. */
function contactOwners(): Map<string, RegExp> {
  if (contactDigits) return contactDigits;
  contactDigits = new Map();
  for (const m of loadContacts().values()) {
    const name = findMunicipality(m.id)?.name ?? m.id;
    for (const route of m.routes) {
      const owner = new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu');
      const digits = nationalDigits(route.number.tel);
      // 112 as a way to a municipality's social duty is still 112: its own name.
      if (!NUMBER_OWNERS[route.number.tel] && !verifiedPhoneNumbers.some((n) => n.tel === route.number.tel)) contactDigits.set(digits, owner);
    }
  }
  return contactDigits;
}

/** Digits of every publishable number, national form (+46 8 … → 08 …): facts.md's and the contacts data's. */
export function publishableDigits(extra: readonly { tel: string; display: string }[] = []): Set<string> {
  const out = new Set<string>(contactOwners().keys());
  for (const n of [...verifiedPhoneNumbers, ...extra]) {
    out.add(nationalDigits(n.tel));
    out.add(nationalDigits(n.display));
  }
  return out;
}

/** Digits → the pattern that names whose number it is (null: the number is its own name, e.g. 112). */
function ownerPatterns(): Map<string, RegExp | null> {
  const out = new Map<string, RegExp | null>(contactOwners());
  for (const n of verifiedPhoneNumbers) out.set(nationalDigits(n.tel), NUMBER_OWNERS[n.tel] ?? null);
  return out;
}

/**
 * Numbers that look like phone numbers but are examples of how to type one
 * (the form's phone hint), not a line anyone is told to call.
 */
export const PHONE_FORMAT_EXAMPLES: readonly string[] = ['0701234567'];

const GEEZ_NUMERALS = /[\u1369-\u137C]/g;

/** Text with Arabic-Indic, Persian and Ge'ez digits turned into ASCII digits (Ge'ez numerals become a placeholder digit). */
export function asciiDigits(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(GEEZ_NUMERALS, '9');
}

function nationalDigits(number: string): string {
  const digits = asciiDigits(number).replace(/\D/g, '');
  if (/^\+?46/.test(asciiDigits(number).replace(/[\s-]/g, ''))) return `0${digits.slice(2)}`;
  if (digits.startsWith('0046')) return `0${digits.slice(4)}`;
  return digits;
}

/**
 * Phone-number-like runs: international (+46 …, 0046 …), national with an
 * area code (0…, at least 7 digits), and short codes starting with 11
 * (112, 114 14, 116 111, 1177 …).
 */
const PHONE_PATTERNS: readonly RegExp[] = [
  /(?:\+|\b00)\d[\d\s\u2011-]{5,}\d/g,
  /(?<![\d.:/-])0\d{1,3}[\s\u2011-]?\d[\d\s\u2011-]{3,}\d(?![\d:/-]|\.\d)/g,
  /(?<![\d.:/-])11\d(?:[\s\u2011]?\d){0,3}(?![\d:/-]|\.\d)/g,
];

/** Phone numbers in a text that are not publishable. */
export function unpublishableNumbers(text: string, allowed: Set<string> = publishableDigits()): string[] {
  const plain = asciiDigits(text).replace(/[\u2066-\u2069\u200e\u200f]/g, '');
  const found: string[] = [];
  for (const pattern of PHONE_PATTERNS) {
    for (const match of plain.matchAll(pattern)) {
      const digits = nationalDigits(match[0]);
      if (digits.length < 3) continue;
      if (allowed.has(digits) || PHONE_FORMAT_EXAMPLES.includes(digits)) continue;
      found.push(match[0].trim());
    }
  }
  return [...new Set(found)];
}

/**
 * Publishable numbers in a text that stand without their owner's name:
 * neither the sentence with the number nor the one before names whose
 * number it is, nor does the section's heading (NUMBER_OWNERS, or the
 * municipality's name for a number
 * from the contacts data). A number nobody owns in the data (a forged one)
 * is reported by unpublishableNumbers instead.
 */
export function unnamedNumbers(text: string): string[] {
  const owners = ownerPatterns();
  const found: string[] = [];
  const parts = sentences(asciiDigits(text).replace(/[\u2066-\u2069\u200e\u200f]/g, ''));
  let heading = '';
  for (const [i, sentence] of parts.entries()) {
    // A page's heading names what its section is about ("Vad kan polisen göra?"), so it counts as near.
    if (/^\s*#/.test(sentence)) heading = sentence;
    const near = `${heading} ${parts[i - 1] ?? ''} ${sentence}`;
    for (const pattern of PHONE_PATTERNS) {
      for (const match of sentence.matchAll(pattern)) {
        const owner = owners.get(nationalDigits(match[0]));
        if (owner && !owner.test(near)) found.push(match[0].trim());
      }
    }
  }
  return [...new Set(found)];
}

/** Words for "hour(s)" in the six languages. */
const HOURS = String.raw`(?:timmar|timme|tim\b|hours?\b|hrs\b|h(?![\p{L}\d])|ساعة|ساعات|ساعه|ساعت|saacadood|saacado|saacad|ሰዓታት|ሰዓት)`;

/**
 * Time promises in the six languages. Digits are ASCII by now (asciiDigits).
 * Each says how soon contact comes; none may stand in text that does not
 * come from recipient data.
 */
const PROMISE_PATTERNS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: new RegExp(String.raw`\d+\s*(?:-|–)?\s*${HOURS}`, 'iu'), what: 'digits + hours' },
  { pattern: /\binom\s+(?:ett|en|två|tre|några|\d+)\s+(?:dygn|dag|dagar|vecka|veckor)\b/iu, what: 'sv "inom … dygn/dag"' },
  { pattern: /\bwithin\s+(?:a|one|two|three|a few|\d+)\s+(?:days?|weeks?|working days?)\b/iu, what: 'en "within … day"' },
  { pattern: /(?:خلال|في غضون)\s+(?:يوم|يومين|أيام|أسبوع)/u, what: 'ar "within … day"' },
  { pattern: /(?:ظرف|در عرض|طی)\s+(?:یک|دو|سه|\d+)?\s*(?:شبانه[\u200c ]?روز|روز|هفته)/u, what: 'fa "within … day"' },
  { pattern: /\b(?:hal|laba|saddex|\d+)\s+(?:maalin|maalmood|todobaad)\s+gudah/iu, what: 'so "within … day"' },
  { pattern: /ኣብ\s+ውሽጢ\s+(?:ሓደ|ክልተ|ሰለስተ|\d+)?\s*(?:መዓልቲ|መዓልታት|ሰሙን)/u, what: 'ti "within … day"' },
];

/** "Day and night" said of contact (not of a line's opening hours) in the six languages. */
const AROUND_THE_CLOCK = /dygnet runt|dag och natt|day and night|around the clock|24\/7|ليلًا ونهارًا|ليلا ونهارا|على مدار الساعة|شبانه[\u200c ]?روز|habeen iyo maalin|ለይትን መዓልትን/iu;
const CONTACT_WORDS = /(?:får|ger)\s+(?:du\s+)?(?:en\s+)?(?:första\s+)?kontakt|hör av sig|kontaktar dig|contacts? you|will contact|gets? in touch|first contact|hear from|يتواصل|سيتواصل|أول تواصل|تماس گرفته|با شما تماس|اولین تماس|lagula soo xiriir|kula soo xiriir|xiriirka ugu horreeya|ክራኸቡኹም|ክረኽበኩም|ቀዳማይ ርክብ/iu;

/** Sentences of a text (roughly: split at . ! ? and their Arabic and Ge'ez forms, and line breaks). */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?؟።])\s+|\n+/u).filter((s) => s.trim().length > 0);
}

/** The time promises in a text, each as the sentence it stands in. */
export function timePromises(text: string): string[] {
  const found: string[] = [];
  for (const sentence of sentences(asciiDigits(text))) {
    if (PROMISE_PATTERNS.some(({ pattern }) => pattern.test(sentence))) found.push(sentence.trim());
    else if (AROUND_THE_CLOCK.test(sentence) && CONTACT_WORDS.test(sentence)) found.push(sentence.trim());
  }
  return found;
}

/** Interface-string keys whose text is filled only from recipient data (src/promises/connected.ts). */
export const PROMISE_STRING_PREFIX = 'promise.';

/** Problems in one interface string (locale file, key, value). */
export function stringProblems(where: string, key: string, value: string): string[] {
  const problems: string[] = [];
  for (const number of unpublishableNumbers(value)) problems.push(`${where} ${key}: phone number ${number} is not publishable (shared/facts.md)`);
  for (const number of unnamedNumbers(value)) problems.push(`${where} ${key}: phone number ${number} does not say whose number it is`);
  if (key.startsWith(PROMISE_STRING_PREFIX)) {
    // These carry the promise, so they must name its maker and take the time from data.
    if (/promise\.(aroundTheClock|withHours)$/.test(key)) {
      if (!value.includes('{{maker}}')) problems.push(`${where} ${key}: a promise must name who made it ({{maker}})`);
      if (/\d/.test(asciiDigits(value))) problems.push(`${where} ${key}: the time must come from recipient data ({{hours}}), not digits`);
    }
    return problems;
  }
  for (const promise of timePromises(value)) {
    problems.push(`${where} ${key}: a time promise that does not come from recipient data: "${promise}"`);
  }
  return problems;
}

/**
 * Problems in a page's or a directory entry's text. `owned`: the text is a
 * structured phone field whose owner is the record it sits in (a unit's
 * `reach.phone`), so it need not name the owner itself.
 */
export function textProblems(where: string, text: string, owned = false): string[] {
  return [
    ...unpublishableNumbers(text).map((number) => `${where}: phone number ${number} is not publishable (shared/facts.md)`),
    ...(owned ? [] : unnamedNumbers(text)).map((number) => `${where}: phone number ${number} does not say whose number it is`),
    ...timePromises(text).map((promise) => `${where}: a time promise that does not come from recipient data: "${promise}"`),
  ];
}
