/** Bindings and variables the Worker receives (see wrangler.jsonc). */
export interface Env {
  ASSETS: Fetcher;
  INTAKE_QUEUE: Queue<unknown>;
  CONTACT_RATE_LIMIT: RateLimit;
}
