/**
 * A recipient key's fingerprint in short form, for people to compare: the
 * first eight characters of its kid, in two groups ("irfc-mEJ4"). The form
 * and the receipt show it; the intake prints the same for its own keys, so a
 * professional or the intake can see that a request was sealed to the key
 * the municipality holds (review H1).
 */
export function shortFingerprint(kid: string): string {
  return `${kid.slice(0, 4)}-${kid.slice(4, 8)}`;
}
