/** Comma-separated base64url public keys (INTAKE_WORKER_PUBLIC_KEYS), trimmed. Pure: the hosted inbox uses it too. */
export function parsePublicKeyList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter(Boolean);
}
