import { existsSync } from 'node:fs';

/**
 * The Chromium every browser test and benchmark drives: $CHROMIUM_PATH, else
 * Debian's /usr/bin/chromium, else undefined (Playwright's own download, on
 * a machine where `playwright install chromium` works).
 */
export function chromiumExecutablePath(): string | undefined {
  return process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
}

/** Flags that keep Chromium from reaching for the network on its own. */
export const chromiumFlags: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
