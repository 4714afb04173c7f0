/**
 * Every phone number the site may publish, each from shared/facts.md with
 * its source. `tel` is the dialable form; `display` the Swedish way of
 * writing it. The help directory, the pages and the content check
 * (src/guidance/check-content.ts) accept no other number, except a line a
 * connected recipient declares in content/intake/recipients.json (which must
 * itself be one of these).
 */
export interface PublishableNumber {
  readonly display: string;
  readonly tel: string;
}

/** Emergency (facts.md part 1 and 2). */
export const emergencyNumber = { display: '112', tel: '112' } as const;
/** The police, not urgent; also the way to the regional defector coordination (Polisen, polisen.se, 2026). */
export const policeNonEmergency = { display: '114 14', tel: '11414' } as const;
/** Health-care advice, around the clock (1177.se). */
export const healthAdvice = { display: '1177', tel: '1177' } as const;
/**
 * Stockholm city's social advice line (socialrådgivningen), around the
 * clock; Stockholm city's own line, not a line for all of Sweden
 * (Stockholms stad, 2024).
 */
export const socialAdviceLine = { display: '08-508 25 600', tel: '+46850825600' } as const;
/** BRIS, for everyone under 18, free and anonymous, around the clock (BRIS, bris.se, 2023). */
export const brisLine = { display: '116 111', tel: '116111' } as const;
/** Brottsofferjouren: victims, witnesses and relatives; free; no opening hours stated (brottsofferjouren.se). */
export const victimSupportLine = { display: '116 006', tel: '116006' } as const;
/**
 * Kvinnofridslinjen, for people subjected to physical, psychological or
 * sexual violence, and their relatives; around the clock, free, not on the
 * phone bill (NCK, nck.uu.se). Its own number; 116 016 (Regeringen,
 * 2025-04) is published only beside it, never alone (facts.md part 3).
 */
export const kvinnofridslinjen = { display: '020-50 50 50', tel: '+4620505050' } as const;
/** The EU number that also reaches Kvinnofridslinjen since April 2025: only beside 020-50 50 50. */
export const kvinnofridslinjenShort = { display: '116 016', tel: '116016' } as const;
/** Mind Självmordslinjen, phone and chat, around the clock (mind.se, "Detta gör vi"). */
export const suicideLine = { display: '90101', tel: '90101' } as const;
/** Kriminalvården's switchboard (kriminalvarden.se). */
export const prisonServiceSwitchboard = { display: '077-228 08 00', tel: '+46772280800' } as const;
/** Norrköping: the social office through the contact centre, office hours (Norrköpings kommun, 2023-07-27). */
export const norrkopingContactCentre = { display: '011-15 00 00', tel: '+4611150000' } as const;
/** Norrköping: socialjouren, after hours (Norrköpings kommun, 2023-07-27). */
export const norrkopingSocialjouren = { display: '011-15 22 83', tel: '+4611152283' } as const;

/** Kriminalvården's switchboard (kriminalvarden.se, read December 2026; facts.md part 3). */
export const kriminalvardenSwitchboard = { display: '077-228 08 00', tel: '+46772280800' } as const;

/** Every number the site may show; the help directory and the content check accept no other. */
export const verifiedPhoneNumbers: readonly PublishableNumber[] = [
  emergencyNumber,
  policeNonEmergency,
  healthAdvice,
  socialAdviceLine,
  brisLine,
  victimSupportLine,
  kvinnofridslinjen,
  kvinnofridslinjenShort,
  suicideLine,
  prisonServiceSwitchboard,
  norrkopingContactCentre,
  norrkopingSocialjouren,
  kriminalvardenSwitchboard,
];

/**
 * Whose number it is, in words any of the six languages uses for the
 * owner (a name kept in Swedish matches in every language): a text that
 * carries one of these numbers must name its owner near it (the content
 * check, src/guidance/promise-check.ts; review finding T3-03). 112 and 1177
 * are their own names: "Ring 112" needs no owner.
 */
export const NUMBER_OWNERS: Readonly<Record<string, RegExp | null>> = {
  [emergencyNumber.tel]: null,
  [healthAdvice.tel]: null,
  [policeNonEmergency.tel]: /polis|police|شرطة|پلیس|booli+s|ፖሊስ/iu,
  [socialAdviceLine.tel]: /stockholm|ستوكهولم|استکهلم|ስቶክሆልም/iu,
  [brisLine.tel]: /BRIS/u,
  [victimSupportLine.tel]: /Brottsofferjour/u,
  [kvinnofridslinjen.tel]: /Kvinnofridslinjen/u,
  [kvinnofridslinjenShort.tel]: /Kvinnofridslinjen/u,
  [suicideLine.tel]: /Mind|Självmordslinjen/u,
  [prisonServiceSwitchboard.tel]: /Kriminalvård/u,
  [norrkopingContactCentre.tel]: /Norrköping|نورشوبينغ|نورشوپینگ|ኖርሾፒንግ/iu,
  [norrkopingSocialjouren.tel]: /Norrköping|نورشوبينغ|نورشوپینگ|ኖርሾፒንግ/iu,
};

/**
 * Official pages a reader can open for more (facts.md parts 2 and 3, each
 * the address read there): plain links, which send nothing to that site
 * until they are clicked (review finding T3-29).
 */
export const officialPages = {
  /** Polisen, "Vill du hoppa av kriminaliteten? Så här gör du": the ways in and what a programme asks. */
  defectors: 'https://polisen.se/om-polisen/polisens-arbete/brottsforebyggande-arbete/avhoppare/vill-du-hoppa-av-kriminaliteten-sa-har-gor-du/',
  /** BRIS: phone, chat and e-mail (the chat page's own address was not verified: the start page). */
  bris: 'https://www.bris.se/',
  victims: 'https://brottsofferjouren.se/',
  health: 'https://www.1177.se/',
  kvinnofridslinjen: 'https://nck.uu.se/',
  suicideLine: 'https://mind.se/',
  prisonService: 'https://www.kriminalvarden.se/',
} as const;
