/**
 * A write-back is read and worked on in its case (WIRE-FORMAT.md §16): any
 * address of a follow-up (`/r/<ref>`, and claim, status, notes, export or
 * reply under it) leads to its original request's thread instead, so
 * nobody claims, answers or exports a write-back apart from its case.
 */
import { createMiddleware } from 'hono/factory';
import type { IntakeStore } from '../../store.ts';
import type { InboxEnv } from '../context.ts';

export function inItsCase(store: IntakeStore) {
  return createMiddleware<InboxEnv>(async (c, next) => {
    const ref = c.req.param('ref');
    const caseRef = ref ? store.get(ref)?.followUpOf : null;
    if (caseRef) return c.redirect(`/r/${caseRef}#thread`, 303);
    await next();
    return undefined;
  });
}
