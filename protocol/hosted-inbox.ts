/**
 * The contract between the Worker and a hosted team inbox (issue 20): the
 * inbox of a recipient whose `recipients.json` entry says `hosted: true`
 * runs in the Worker's account as one Durable Object per recipient
 * (intake/src/hosted/), the same inbox app the self-hosted intake runs.
 *
 * Address: each hosted inbox has an origin of its own,
 * `https://<recipient id>.<HOSTED_INBOX_DOMAIN>/` (development:
 * `http://<id>.inkorg.localhost:<port>/`, which browsers resolve to this
 * machine). A host, not a path, so each municipality's `__Host-` session
 * cookie, sessionStorage (the vault box) and passkeys (WebAuthn's RP ID is
 * the host) are kept apart from every other municipality's and from the
 * public site, and the inbox's absolute paths work unchanged.
 *
 * The Worker calls the object over RPC (these names) and hands it the
 * browser's requests (fetch).
 */
import { HELP_DIRECTORY_ID_PATTERN } from './limits.ts';

/** What receive() did with an envelope; only `stored` and `duplicate` let the queue acknowledge it. */
export type HostedReceiveResult = 'stored' | 'duplicate' | 'quarantined' | 'rejected';

/** A one-time link for an administrator: the path on the inbox's origin, and when it stops working. */
export interface HostedInvite {
  path: string;
  expiresAt: string;
}

/** The RPC methods of a hosted inbox object (HostedInbox in intake/src/hosted/). */
export interface HostedInboxCalls {
  /** Stores an envelope as received (before it answers); the same bytes again are a duplicate, stored once. */
  receive(recipient: string, body: string): Promise<HostedReceiveResult>;
  /** A one-time link for a new administrator `name` (the first one's setup link, or npm start's). */
  inviteAdministrator(recipient: string, name: string): Promise<HostedInvite>;
  /** Where content-free alerts are POSTed (https; http only to this machine); null: none. False: refused, nothing changed. */
  setAlertWebhook(recipient: string, url: string | null): Promise<boolean>;
  /**
   * The promise the recipient made (recipients.json: firstContactWithinHours,
   * and who made it), for the clock on each new request and the 6 h and 2 h
   * alerts; null: "no promise configured", no deadline. Set when the
   * operator approves the recipient (npm run connect).
   */
  setPromise(recipient: string, promise: HostedPromise | null): Promise<boolean>;
  /**
   * Development only (`npm start`, the system tests): the team vault made
   * at once with development keys and the public development recovery code
   * (tools/dev/dev-vault.ts), as a self-hosted development intake's is.
   * False when it already has one, or the recipient is not a development one.
   */
  provisionDevelopmentVault(recipient: string, setup: DevelopmentVaultSetup): Promise<boolean>;
}

/** A hosted recipient's promise as its inbox keeps it (intake/src/promise.ts RecipientPromise). */
export interface HostedPromise {
  firstContactHours: number;
  madeBy?: string;
}

/** A development vault's generation 1, sealed by tools/dev/dev-vault.ts (store/vault.ts provision()). */
export interface DevelopmentVaultSetup {
  recoveryPublicKey: string;
  recovery: { gen: number } & Record<string, unknown>;
  keys: { kid: string; publicKey: string; notAfter: string; wrapped: unknown }[];
}

/** A development recipient's id: only these may be provisioned without a browser. */
export const isDevelopmentRecipient = (recipient: string): boolean => /^[a-z0-9][a-z0-9-]*-development$/.test(recipient);

/** The header the Worker names the recipient with when it hands a browser's request to its object. */
export const HOSTED_RECIPIENT_HEADER = 'x-utvag-hosted-recipient';

/**
 * Where an inbox takes a key statement signed in an administrator's
 * browser (a POST); a hosted inbox publishes it into the Worker's KV at
 * once, so the Worker forgets its cached key set after one (hosted-inboxes.ts).
 */
export const KEY_STATEMENT_PATH = '/api/vault/statement';

/** The recipient id of a hosted inbox's host (`<id>.<domain>`, port ignored), or null for any other host. */
export function hostedRecipientOfHost(host: string | null | undefined, domain: string | null | undefined): string | null {
  if (!host || !domain) return null;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  const suffix = `.${domain.toLowerCase()}`;
  if (!name.endsWith(suffix)) return null;
  const id = name.slice(0, -suffix.length);
  return HELP_DIRECTORY_ID_PATTERN.test(id) ? id : null;
}

/** A hosted inbox's origin: https, except on a development domain under localhost (http, with the port). */
export function hostedInboxOrigin(recipient: string, domain: string, devPort?: number): string {
  const local = domain === 'localhost' || domain.endsWith('.localhost');
  return local ? `http://${recipient}.${domain}${devPort ? `:${devPort}` : ''}` : `https://${recipient}.${domain}`;
}

/** An alert webhook must be https; plain http only to this machine (development). */
export function isAllowedWebhookUrl(text: string): boolean {
  try {
    const url = new URL(text);
    if (url.username || url.password) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}
