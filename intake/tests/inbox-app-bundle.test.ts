/**
 * The inbox app (intake/src/browser/) bundles for the browser: the request
 * side renders with the same pages.ts, export.ts and reply-writer.ts the
 * server and tools use, so none of them may pull in a node: module (the
 * bundle would fail to build on the first request).
 */
import { describe, expect, it } from 'vitest';
import { buildInboxApp } from '../src/inbox/app-bundle.ts';

describe('the inbox app bundle', () => {
  it('builds for the browser, with the request pages and their words', async () => {
    const code = await buildInboxApp();
    expect(code).not.toMatch(/from\s*["']node:/);
    // The request side is in it: the slot it fills and the words it shows on a fault.
    expect(code).toContain('request-app');
    expect(code).toContain('faultDamaged');
  }, 60_000);
});
