import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultIntakeDir } from '../src/cli.ts';

describe('intake command defaults', () => {
  it('keeps the intake folder (and its private keys) outside the working folder', () => {
    const fromHere = relative(process.cwd(), defaultIntakeDir());
    expect(fromHere.startsWith('..')).toBe(true);
  });
});
