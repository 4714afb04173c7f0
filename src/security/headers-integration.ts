import { writeFile } from 'node:fs/promises';
import type { AstroIntegration } from 'astro';
import { renderHeadersFile } from './headers.ts';
import { localeCodes } from '../../protocol/locales.ts';

/** Writes dist/_headers so static assets carry the same headers as the API. */
export function securityHeadersIntegration(): AstroIntegration {
  return {
    name: 'utvag:security-headers',
    hooks: {
      'astro:build:done': async ({ dir }) => {
        await writeFile(new URL('_headers', dir), renderHeadersFile(localeCodes), 'utf8');
      },
    },
  };
}
