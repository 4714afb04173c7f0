/**
 * Environment that keeps every tool offline and silent: no telemetry, no
 * error reports, no Cloudflare lookups. Used by start, test and bench.
 */
export const offlineEnv: Readonly<Record<string, string>> = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  ASTRO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

export function withOfflineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...offlineEnv, ...extra };
}
