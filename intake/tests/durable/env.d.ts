// The test Worker's bindings (wrangler.jsonc in this folder).
declare namespace Cloudflare {
  interface Env {
    TEST_INBOX: DurableObjectNamespace<import('./test-inbox.ts').TestInbox>;
  }
}
