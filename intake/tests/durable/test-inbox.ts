/**
 * The test Durable Object of the inbox-durable project: nothing but its
 * storage, which the tests open the store on (backend-durable.ts).
 */
import { DurableObject } from 'cloudflare:workers';

export class TestInbox extends DurableObject {}

export default {
  fetch: () => new Response('test worker', { status: 404 }),
};
