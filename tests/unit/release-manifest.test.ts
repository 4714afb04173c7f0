import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { releaseManifestSchema } from '../../protocol/release-manifest.ts';
import { sha256, writeReleaseManifest } from '../../tools/dev/release-manifest.ts';

describe('release manifest (written at build)', () => {
  it('names the key set and every script under /_astro/ by SHA-256', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'utvag-manifest-'));
    try {
      await mkdir(join(dist, '_astro'));
      await writeFile(join(dist, 'intake-keys.json'), '{"v":1,"keys":[]}');
      await writeFile(join(dist, '_astro', 'Contact.A1.js'), 'console.log(1)');
      await writeFile(join(dist, '_astro', 'style.css'), 'a{}');
      await writeReleaseManifest(dist);
      const manifest = releaseManifestSchema.parse(JSON.parse(await readFile(join(dist, 'release-manifest.json'), 'utf8')));
      expect(manifest).toEqual({ v: 1, keySet: sha256('{"v":1,"keys":[]}'), scripts: { '/_astro/Contact.A1.js': sha256('console.log(1)') } });
    } finally {
      await rm(dist, { recursive: true, force: true });
    }
  });
});
