/**
 * The few members of the `cloudflare:workers` module the hosted inbox uses,
 * for the intake's Node type check: Cloudflare's own types declare globals
 * (Response, HTMLRewriter's Element …) that clash with the DOM types of the
 * inbox's browser code in the same project. The Worker's type check sees
 * the real declarations (functions/hosted-inbox.d.ts).
 */
declare module 'cloudflare:workers' {
  type DurableValue = ArrayBuffer | string | number | null;
  interface HostedObjectStorage {
    sql: { exec(query: string, ...bindings: DurableValue[]): { toArray(): Record<string, DurableValue>[] } };
    transactionSync<T>(closure: () => T): T;
    getAlarm(): Promise<number | null>;
    setAlarm(scheduledTime: number | Date): Promise<void>;
    deleteAlarm(): Promise<void>;
  }
  interface HostedObjectState {
    readonly storage: HostedObjectStorage;
    /** This Worker's own entry points, called in process (its fetch: the site's API). */
    readonly exports: { default: { fetch(request: Request): Promise<Response> } };
    waitUntil(promise: Promise<unknown>): void;
  }
  export abstract class DurableObject<Env = unknown> {
    protected ctx: HostedObjectState;
    protected env: Env;
    constructor(ctx: HostedObjectState, env: Env);
    fetch?(request: Request): Response | Promise<Response>;
    alarm?(): void | Promise<void>;
  }
}
