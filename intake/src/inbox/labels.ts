/**
 * Words for the codes a request and the log carry: no raw code reaches a
 * staff page (issue 22, part 7). Needs use the form's own words (the same
 * strings the person chose from), municipalities their official names,
 * languages the names Intl.DisplayNames gives (the runtime's CLDR data, so
 * no list of our own to keep), the rest the inbox's text.ts.
 */
import type { Locale } from '../../../protocol/locales.ts';
import { findMunicipality } from '../../../protocol/municipalities.ts';
import { UNKNOWN_MUNICIPALITY, type Need } from '../../../protocol/request.ts';
import type { ContactMethodName } from '../../../protocol/limits.ts';
import type { AuditAction } from '../audit.ts';
import { STATUSES, type RequestStatus } from '../store/requests.ts';
import { inboxText, type InboxLanguage, type InboxText } from './text.ts';

/**
 * What a person asked for help with, in the words the contact form gave them
 * (src/i18n/strings: form.need.*). The inbox keeps its own copy: its bundle holds
 * no site strings (tests/unit/import-boundaries.test.ts).
 */
const needWords: Record<InboxLanguage, Record<Need, string>> = {
  sv: {
    'leave-crime': 'Lämna kriminalitet eller ett gäng',
    safety: 'Känna mig trygg, skydd',
    housing: 'Bostad',
    'money-debts': 'Pengar och skulder',
    'id-bankid': 'Id-kort och BankID',
    work: 'Jobb',
    studies: 'Studier',
    addiction: 'Alkohol eller droger',
    'mental-health': 'Må bättre, sömn, oro',
    family: 'Familjen',
    other: 'Något annat',
  },
  en: {
    'leave-crime': 'Leaving crime or a gang',
    safety: 'Feeling safe, protection',
    housing: 'A place to live',
    'money-debts': 'Money and debts',
    'id-bankid': 'ID card and BankID',
    work: 'Work',
    studies: 'Studies',
    addiction: 'Alcohol or drugs',
    'mental-health': 'Feeling better, sleep, worry',
    family: 'Family',
    other: 'Something else',
  },
};

export function needLabel(need: Need, lang: InboxLanguage): string {
  return needWords[lang][need] ?? need;
}

export function municipalityLabel(id: string, t: InboxText): string {
  if (id === UNKNOWN_MUNICIPALITY) return t.municipalityUnknown;
  return findMunicipality(id)?.official ?? t.municipalityNotKnownHere;
}

const languageNames: Record<InboxLanguage, Intl.DisplayNames> = {
  sv: new Intl.DisplayNames(['sv'], { type: 'language' }),
  en: new Intl.DisplayNames(['en'], { type: 'language' }),
};

/** "arabiska" / "Arabic" for `ar`: the language a page or a text was written in. */
export function languageLabel(code: Locale, lang: InboxLanguage): string {
  return languageNames[lang].of(code) ?? code;
}

export function methodLabel(method: ContactMethodName, t: InboxText): string {
  return t[`method_${method}`];
}

export function statusLabel(status: RequestStatus, t: InboxText): string {
  return t[`status_${status}`];
}

// The words name every action (text.ts); asking them keeps this module free of the
// audit log's node: imports, so the browser app can bundle the labels.
const isAction = (value: string): value is AuditAction => Object.hasOwn(inboxText.sv, `action_${value}`);
const isStatus = (value: string): value is RequestStatus => (STATUSES as readonly string[]).includes(value);

/** Who wrote a log line: a staff member by name where known, else what the system part is called. */
export function auditActorLabel(actor: string, t: InboxText, staffNames: ReadonlyMap<number, string>): string {
  const staff = /^staff:(\d+)$/.exec(actor);
  if (staff) return staffNames.get(Number(staff[1])) ?? `${t.actor_staff} ${staff[1]}`;
  switch (actor) {
    case 'receiver':
      return t.actor_receiver;
    case 'alerts':
      return t.actor_alerts;
    case 'retention':
      return t.actor_retention;
    case 'cli':
      return t.actor_cli;
    case 'operator':
      return t.actor_operator;
    case 'unknown':
      return t.actor_unknown;
    default:
      return t.actor_other;
  }
}

/** What happened, in words, with the detail the line keeps, also in words. */
export function auditActionLabel(action: string, detail: string | null, t: InboxText, staffNames: ReadonlyMap<number, string>): string {
  const what = isAction(action) ? t[`action_${action}`] : t.action_other;
  const more = detail === null ? '' : auditDetailLabel(action, detail, t, staffNames);
  return more ? `${what}: ${more}` : what;
}

function auditDetailLabel(action: string, detail: string, t: InboxText, staffNames: ReadonlyMap<number, string>): string {
  if (action === 'status_changed' && isStatus(detail)) return statusLabel(detail, t);
  if (action === 'received' && detail === 'needs_review') return t.reviewHeading;
  if (action === 'looked_up') return detail === 'invalid' ? t.detailInvalidCode : `${t.detailMatches} ${detail}`;
  if (action === 'sign_in_refused') {
    const key = `error_${detail}` as keyof InboxText;
    return key in t ? t[key] : t.error_failed;
  }
  // The vault (issue 19): which generation of the team's key, and how a member's own key is unlocked.
  const generation = (word: string | undefined) => word?.replace(/^gen:(\d+)$/, `${t.detailGeneration} $1`);
  if (action === 'member_key') return detail === 'phrase' ? t.detailUnlockPhrase : t.detailUnlockPrf;
  if (detail.startsWith('gen:')) return generation(detail) ?? '';
  // A key for requests (issue 20): its short kid, and the generation it is locked with.
  if (detail.startsWith('kid:')) {
    const [kid, gen] = detail.split(' ');
    const lockedWith = gen?.replace(/^gen:(\d+)$/, `${t.keyLockedBy.toLowerCase()} ${t.keyGeneration} $1`);
    return lockedWith ? `${t.detailKid} ${kid!.slice(4)} (${lockedWith})` : `${t.detailKid} ${kid!.slice(4)}`;
  }
  // The identity key (issue 20): its fingerprint's start; a statement: how many keys it lists.
  if (detail.startsWith('fp:')) return `${t.identityFingerprint} ${detail.slice(3)}`;
  if (action === 'key_statement' && detail.startsWith('keys:')) return `${detail.slice(5)} ${t.detailKeys}`;
  if (action === 'vault_granted') {
    const [who, gen] = detail.split(' ');
    return `${auditActorLabel(who!, t, staffNames)} (${generation(gen) ?? ''})`;
  }
  if (detail.startsWith('staff:')) {
    const [who, count] = detail.split(' ');
    const name = auditActorLabel(who!, t, staffNames);
    return count ? `${name} (${count})` : name;
  }
  if (action === 'alert_sent') return detail.replace(/^escalation /, `${t.detailEscalation} `);
  // Imported: the folder a legacy file came from, as the administrator named it.
  return action === 'imported' ? detail : '';
}

const quarantineCodes = ['too_large', 'bad_padding', 'bad_key', 'bad_envelope', 'bad_request', 'unknown_kid', 'decrypt_failed'] as const;

/** Why a message went to quarantine, from the envelope's error code. */
export function quarantineLabel(code: string, t: InboxText): string {
  const known = quarantineCodes.find((c) => c === code);
  return known ? t[`quarantine_${known}`] : t.quarantine_other;
}
