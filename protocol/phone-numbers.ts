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
/** Kvinnofridslinjen since April 2025 (Regeringen, 2025-04). */
export const kvinnofridslinjen = { display: '116 016', tel: '116016' } as const;
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
  norrkopingContactCentre,
  norrkopingSocialjouren,
  kriminalvardenSwitchboard,
];
