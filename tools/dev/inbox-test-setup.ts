/** Where the browser tests' team inbox lives, shared by its server and the tests. */
import { join } from 'node:path';

export function inboxTestSetup(port: number) {
  const root = join('.dev-intake-test', `inbox-e2e-${port}`);
  return {
    root,
    dir: join(root, 'intake'),
    /** The recipient key's private JWK (with kid, notAfter): the tests wrap it into the vault at setup. */
    recipientPrivateKeyFile: join(root, 'recipient.private.jwk.json'),
    recipientsFile: join(root, 'recipients.json'),
    publicKeyFile: join(root, 'public-key.json'),
    /** The test Worker's push signing key (JWK); the tests sign pushes with it. */
    workerSigningKeyFile: join(root, 'worker-signing.private.jwk.json'),
    recipient: 'stockholm',
    origin: `http://localhost:${port}`,
    /** The push receiver's own listener (intake serve --push-port), next to the inbox's port. */
    pushOrigin: `http://127.0.0.1:${port + 1}`,
  };
}

/** The inbox test server's port: $UTVAG_INBOX_TEST_PORT, else 8870. */
export function inboxTestPort(): number {
  return Number(process.env['UTVAG_INBOX_TEST_PORT'] ?? 8870);
}
