/** Administrators only (staff and the audit log): anyone else gets the "not allowed" page. */
import { createMiddleware } from 'hono/factory';
import { page, sessionOf, text, type InboxEnv } from '../context.ts';
import * as pages from '../pages.ts';

export const requireAdmin = createMiddleware<InboxEnv>(async (c, next) => {
  if (sessionOf(c).staff.role !== 'admin') return c.html(pages.messagePage(page(c), text(c).forbidden, text(c).forbidden), 403);
  await next();
  return undefined;
});
