// The one import from the Worker into the intake (issue 20): the hosted team
// inbox's Durable Object class, the same inbox the self-hosted intake runs.
// A JavaScript file typed by hosted-inbox.d.ts, so the Worker's type check
// (Cloudflare's types only, no Node) sees the object's calls and not the
// intake's Node-typed source; intake/tsconfig.json checks that source, and
// its class implements the same HostedInboxCalls.
export { HostedInbox } from '../intake/src/hosted/hosted-inbox.ts';
