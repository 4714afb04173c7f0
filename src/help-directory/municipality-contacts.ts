/**
 * Each municipality's own contact routes, from
 * content/municipalities/municipality-contacts.json (a copy of
 * shared/data/municipality-contacts.json): its official website and, where
 * they were read on its own site, the switchboard (växeln), the social
 * services after-hours route (socialjour) and the social services intake
 * (mottagning), each with the page it was read from and the exact words.
 *
 * What is published (ARCHITECTURE.md, "Promises come from data"):
 * - the website, always, as a plain link;
 * - each number not marked `doubtful`, labelled with whose it is and where
 *   it was read ("Källa: kommunens webbplats, kiruna.se");
 * - a doubtful number never: it is held back, and counted
 *   (`contactCounts()`, printed by `npm run check:content`).
 * The data's quotes and notes are evidence for a reviewer, never page text;
 * its `hours` are mixed Swedish and English notes, so the pages say only
 * what a route is for (after office hours, office hours), not its hours.
 *
 * These numbers count as publishable for the content check
 * (src/guidance/promise-check.ts), as facts.md's numbers do.
 */
import { domainToUnicode } from 'node:url';
import { z } from 'zod';
import { HELP_DIRECTORY_ID_PATTERN } from '../../protocol/limits.ts';
import type { PublishableNumber } from '../../protocol/phone-numbers.ts';
import { findMunicipality } from '../../protocol/municipalities.ts';
import data from '../../content/municipalities/municipality-contacts.json' with { type: 'json' };

const routeSchema = z.looseObject({
  number: z.string().min(3),
  url: z.url(),
  quote: z.string().min(1),
  seen: z.string(),
  doubtful: z.boolean(),
  hours: z.string().optional(),
  unit: z.string().optional(),
});

const entrySchema = z.looseObject({
  id: z.string().regex(HELP_DIRECTORY_ID_PATTERN),
  website: z.url().nullable(),
  switchboard: routeSchema.nullable(),
  socialjour: routeSchema.nullable(),
  socialtjanst: routeSchema.nullable(),
});

export const contactsFileSchema = z
  .looseObject({ v: z.literal(1), generated: z.string(), municipalities: z.array(entrySchema).length(290) })
  .superRefine((file, ctx) => {
    for (const [index, m] of file.municipalities.entries()) {
      if (!findMunicipality(m.id))
        ctx.addIssue({ code: 'custom', message: `${m.id}: not a municipality id`, path: ['municipalities', index] });
    }
  });

/** The three kinds of route, in the order a page lists them. */
export const CONTACT_KINDS = ['switchboard', 'socialtjanst', 'socialjour'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export interface ContactRoute {
  kind: ContactKind;
  number: PublishableNumber;
  /** 112 given as the way to the social services' after-hours duty (many municipalities have no line of their own). */
  viaEmergency: boolean;
  /** The intake is for concern about children and young people (its unit says so). */
  forChildren: boolean;
  /** Host the number was read on, without "www.", in Unicode (e.g. "gullspång.se"). */
  sourceSite: string;
  /** True when that host is the municipality's own website (or a part of it). */
  ownSite: boolean;
}

export interface MunicipalityContacts {
  id: string;
  /** The municipality's official website, always publishable; undefined when none was found. */
  website?: { href: string; label: string };
  /** Published routes (not doubtful), in CONTACT_KINDS order. */
  routes: ContactRoute[];
  /** How many numbers the data has for this municipality that are held back as doubtful. */
  heldBack: number;
}

/** "https://www.kiruna.se/x" → "kiruna.se"; punycode shown as the letters people type. */
export function siteLabel(href: string): string {
  const host = domainToUnicode(new URL(href).hostname) || new URL(href).hostname;
  return host.replace(/^www\d?\./, '');
}

/**
 * A number as read ("019- 21 41 05", "0980‑703 61", "031-3658700") written
 * the Swedish way for readers, and its tel: form (+46…, or a short code).
 */
export function phoneFromData(raw: string): PublishableNumber {
  const display = raw
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\s\u00A0\u202F]+/g, ' ')
    .replace(/\s*-\s*/g, '-')
    .trim();
  const digits = display.replace(/\D/g, '');
  const tel = digits.startsWith('0') ? `+46${digits.slice(1)}` : digits;
  return { display, tel };
}

function routeOf(kind: ContactKind, route: z.infer<typeof routeSchema>, website: string | null): ContactRoute {
  const number = phoneFromData(route.number);
  const sourceSite = siteLabel(route.url);
  const own = website ? siteLabel(website) : undefined;
  return {
    kind,
    number,
    viaEmergency: number.tel === '112',
    forChildren: kind === 'socialtjanst' && /barn|unga|ungdom/i.test(route.unit ?? '') && !/vuxn/i.test(route.unit ?? ''),
    sourceSite,
    ownSite: own !== undefined && (sourceSite === own || sourceSite.endsWith(`.${own}`)),
  };
}

let cached: Map<string, MunicipalityContacts> | undefined;

/** Every municipality's published contacts, by id (validated once). */
export function loadContacts(): Map<string, MunicipalityContacts> {
  if (cached) return cached;
  const file = contactsFileSchema.parse(data);
  cached = new Map(
    file.municipalities.map((m) => {
      const routes: ContactRoute[] = [];
      let heldBack = 0;
      for (const kind of CONTACT_KINDS) {
        const route = m[kind];
        if (!route) continue;
        if (route.doubtful) heldBack += 1;
        // The same number under two names (Norrköping's intake is its contact centre) is shown once, under the first.
        else if (!routes.some((r) => r.number.tel === phoneFromData(route.number).tel)) routes.push(routeOf(kind, route, m.website));
      }
      const contacts: MunicipalityContacts = {
        id: m.id,
        ...(m.website ? { website: { href: m.website, label: siteLabel(m.website) } } : {}),
        routes,
        heldBack,
      };
      return [m.id, contacts] as const;
    }),
  );
  return cached;
}

/** One municipality's published contacts (an empty set for an id the data lacks). */
export function contactsFor(id: string): MunicipalityContacts {
  return loadContacts().get(id) ?? { id, routes: [], heldBack: 0 };
}

/** Every number the contacts data makes publishable (not doubtful), for the content check. */
export function publishedContactNumbers(): PublishableNumber[] {
  return [...loadContacts().values()].flatMap((m) => m.routes.map((r) => r.number));
}

/** How much of the data is shown: numbers shown and held back, municipalities with a website and with any number. */
export function contactCounts(): {
  shown: number;
  heldBack: number;
  websites: number;
  withNumber: number;
  byKind: Record<ContactKind, number>;
} {
  const all = [...loadContacts().values()];
  const byKind = Object.fromEntries(CONTACT_KINDS.map((k) => [k, 0])) as Record<ContactKind, number>;
  for (const m of all) for (const r of m.routes) byKind[r.kind] += 1;
  return {
    shown: all.reduce((n, m) => n + m.routes.length, 0),
    heldBack: all.reduce((n, m) => n + m.heldBack, 0),
    websites: all.filter((m) => m.website).length,
    withNumber: all.filter((m) => m.routes.length > 0).length,
    byKind,
  };
}
