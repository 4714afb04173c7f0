/**
 * The only phone numbers the site's frame shows (from shared/facts.md).
 * `tel` is the dialable form; `display` the Swedish way of writing it.
 */
export const emergencyNumber = { display: '112', tel: '112' } as const;
export const policeNonEmergency = { display: '114 14', tel: '11414' } as const;
export const healthAdvice = { display: '1177', tel: '1177' } as const;
/** Stockholm city's socialrådgivning: around the clock; source Stockholms stad 2024. */
export const socialAdviceLine = { display: '08-508 25 600', tel: '+46850825600' } as const;

/** Every number the site may show; the help directory accepts no other. */
export const verifiedPhoneNumbers = [emergencyNumber, policeNonEmergency, healthAdvice, socialAdviceLine] as const;
