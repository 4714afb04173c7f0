/**
 * Which municipalities are connected for contact requests, and what their
 * recipient has promised, read at build time from the recipients
 * configuration. Every page, string and receipt that speaks of contact time
 * gets its words from here (ARCHITECTURE.md, "Promises come from data");
 * no other text may promise a time (src/guidance/check-content.ts).
 */
import { readFileSync } from 'node:fs';
import { isProductionBuild, parseRecipients, type Recipient, type RecipientsConfig } from '../../protocol/recipients.ts';
import { UNKNOWN_MUNICIPALITY } from '../../protocol/limits.ts';
import { countyOf, findMunicipality, municipalityIds } from '../../protocol/municipalities.ts';
import type { Translator } from '../i18n/translator.ts';

/** The recipients file the build uses: UTVAG_RECIPIENTS (development, tests) or the committed production file. */
export const recipientsFile = process.env['UTVAG_RECIPIENTS'] ?? 'content/intake/recipients.json';

let cached: RecipientsConfig | undefined;

/** The parsed recipients of this build (no key checks here; /intake-keys.json does those). */
export function loadConnected(file: string = recipientsFile): RecipientsConfig {
  if (file !== recipientsFile) return parseRecipients(file, readFileSync(file, 'utf8'), municipalityIds(), isProductionBuild(process.env));
  cached ??= parseRecipients(file, readFileSync(file, 'utf8'), municipalityIds(), isProductionBuild(process.env));
  return cached;
}

/**
 * The identity fingerprints this build pins, as the pages carry them
 * (data-identity-pins, JSON recipient id → fingerprint): the browser
 * checks each recipient's signed keys against them (key-set-loader.ts).
 */
export function identityPins(config: RecipientsConfig = loadConnected()): string {
  return JSON.stringify(Object.fromEntries(config.recipients.flatMap((r) => (r.identity ? [[r.id, r.identity]] : []))));
}

/** The recipient serving a municipality id (or "unknown"), if any. */
export function recipientFor(municipality: string, config: RecipientsConfig = loadConnected()): Recipient | undefined {
  return config.recipients.find(
    (r) => r.serves.includes(municipality) || (municipality === UNKNOWN_MUNICIPALITY && r.takesUnstatedMunicipality === true),
  );
}

/**
 * Whether any municipality can receive a contact request in this build.
 * None can in production today (content/intake/recipients.json is empty);
 * development and test builds have a development recipient for Stockholm.
 * Text that offers the request reads this, so nothing points to a form
 * nobody receives (review findings T3-01, T3-05).
 */
export function anyConnected(config: RecipientsConfig = loadConnected()): boolean {
  return config.recipients.length > 0;
}

/**
 * Who the request goes to, in words: the promise's maker, or (a
 * development recipient with no promise) the municipalities it serves,
 * by their own names.
 */
export function recipientName(t: Translator, recipient: Recipient): string {
  if (recipient.promise) return recipient.promise.madeBy[t.locale];
  const names = recipient.serves.map((id) => findMunicipality(id)?.official ?? id);
  return new Intl.ListFormat(t.locale, { type: 'conjunction' }).format(names);
}

/**
 * The one municipality a recipient serves, as WhatWorksNow takes it (its
 * own routes and police region); undefined when it serves several.
 */
export function servedMunicipality(recipient: Recipient): { id: string; official: string; policeRegion: string } | undefined {
  const [only, ...more] = recipient.serves;
  const municipality = more.length === 0 && only ? findMunicipality(only) : undefined;
  return municipality && { id: municipality.id, official: municipality.official, policeRegion: countyOf(municipality).policeRegion };
}

/**
 * The promise of a recipient in words, naming who made it and since when.
 * A (development) recipient with no promise: that it has promised nothing
 * about when it answers, never a time of our own.
 */
export function promiseSentence(t: Translator, recipient: Recipient): string {
  const { promise } = recipient;
  if (!promise) return t('promise.none');
  const maker = promise.madeBy[t.locale];
  const common = { maker, hours: promise.firstContactWithinHours, since: promise.since };
  return promise.hours === 'around-the-clock'
    ? t('promise.aroundTheClock', common)
    : t('promise.withHours', { ...common, openHours: promise.hours[t.locale] });
}

/** "Source: …" for a promise; null when there is no promise. */
export function promiseSource(t: Translator, recipient: Recipient): string | null {
  if (!recipient.promise) return null;
  const { source } = recipient.promise;
  return t('promise.source', { source: [source.name, String(source.year), source.address].filter(Boolean).join(', ') });
}
