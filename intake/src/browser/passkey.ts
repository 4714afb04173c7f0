/**
 * Passkeys with the WebAuthn `prf` extension (issue 19). Sign-in and
 * registration go through @simplewebauthn/browser v14, which passes
 * `extensions` through to navigator.credentials untouched: the PRF input
 * must therefore be a BufferSource (PRF_SALT, a Uint8Array), not base64url.
 * The PRF output (an ArrayBuffer in clientExtensionResults) is taken out
 * of the response before it goes to the server: the server never sees it.
 */
import {
  startAuthentication,
  startRegistration,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/browser';
import { base64urlDecode } from '../../../protocol/base64url.ts';
import { PRF_SALT } from '../team-vault/member-key.ts';
import { postJson } from './http.ts';

/** Who signed in, as the verify step answers (the new session's CSRF token too). */
export interface Who {
  staffId: number;
  role: 'admin' | 'staff';
  csrf: string;
  next: string;
}

const prfInputs = () => ({ prf: { eval: { first: PRF_SALT } } });

interface PrfResults {
  prf?: { enabled?: boolean; results?: { first?: ArrayBuffer | Uint8Array } };
}

function prfOutput(results: unknown): Uint8Array | null {
  const first = (results as PrfResults | undefined)?.prf?.results?.first;
  return first ? new Uint8Array(first instanceof Uint8Array ? first : new Uint8Array(first)) : null;
}

function withoutPrf<T extends { clientExtensionResults: object }>(response: T): T {
  const { prf: _prf, ...rest } = response.clientExtensionResults as PrfResults & Record<string, unknown>;
  return { ...response, clientExtensionResults: rest };
}

/** The page now belongs to the signed-in member: the app's later calls use their CSRF token. */
export function adopt(who: Who): void {
  document.body.dataset['staffId'] = String(who.staffId);
  document.body.dataset['role'] = who.role;
  document.body.dataset['csrf'] = who.csrf;
}

export async function signInWithPasskey(): Promise<{ who: Who; prf: Uint8Array | null }> {
  const optionsJSON = await postJson<Record<string, unknown>>('/auth/sign-in/options', {});
  const options = { ...optionsJSON, extensions: { ...(optionsJSON['extensions'] as object), ...prfInputs() } };
  const response: AuthenticationResponseJSON = await startAuthentication({ optionsJSON: options as never });
  const prf = prfOutput(response.clientExtensionResults);
  const who = await postJson<Who>('/auth/sign-in/verify', withoutPrf(response));
  adopt(who);
  return { who, prf };
}

export async function registerPasskey(token: string): Promise<{ who: Who; prf: Uint8Array | null }> {
  const optionsJSON = await postJson<Record<string, unknown>>('/auth/register/options', { token });
  const options = { ...optionsJSON, extensions: { ...(optionsJSON['extensions'] as object), ...prfInputs() } };
  const response: RegistrationResponseJSON = await startRegistration({ optionsJSON: options as never });
  const results = response.clientExtensionResults as PrfResults;
  let prf = prfOutput(results);
  const who = await postJson<Who>('/auth/register/verify', { token, response: withoutPrf(response) });
  adopt(who);
  // Many authenticators report PRF at creation but evaluate it only on a get(): ask once more.
  if (!prf && results.prf?.enabled !== false) prf = await prfNow(response.rawId);
  return { who, prf };
}

/**
 * The PRF output of a fresh passkey assertion, for unlocking only: the
 * challenge is local and nothing is sent, since no sign-in happens here.
 * Null when the authenticator has no PRF.
 */
export async function prfNow(credentialId?: string): Promise<Uint8Array | null> {
  const id = credentialId ? base64urlDecode(credentialId) : null;
  const allowCredentials = id ? [{ type: 'public-key' as const, id }] : [];
  const credential = (await navigator.credentials.get({
    publicKey: {
      challenge: crypto.getRandomValues(new Uint8Array(32)),
      allowCredentials,
      userVerification: 'preferred',
      extensions: prfInputs() as AuthenticationExtensionsClientInputs,
    },
  })) as PublicKeyCredential | null;
  return credential ? prfOutput(credential.getClientExtensionResults()) : null;
}
