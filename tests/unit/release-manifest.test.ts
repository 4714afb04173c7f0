import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { releaseManifestSchema } from '../../protocol/release-manifest.ts';
import { releasePublicKey, sha256, writeReleaseManifest } from '../../tools/dev/release-manifest.ts';
import { verifyRelease } from '../../intake/src/site-watch.ts';

describe('release manifest (written at build)', () => {
  it('names the key set, the watched pages and every script and style under /_astro/ by SHA-256, and is signed (N5)', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'utvag-manifest-'));
    try {
      await mkdir(join(dist, '_astro'));
      await writeFile(join(dist, 'intake-keys.json'), '{"v":1,"keys":[]}');
      await writeFile(join(dist, '_astro', 'Contact.A1.js'), 'console.log(1)');
      await writeFile(join(dist, '_astro', 'style.css'), 'a{}');
      await writeFile(join(dist, '_astro', 'notes.txt'), 'not code');
      for (const page of ['kontakt', 'svar']) {
        await mkdir(join(dist, 'sv', page), { recursive: true });
        await writeFile(join(dist, 'sv', page, 'index.html'), `<html>${page}</html>`);
      }
      const key = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
      await writeReleaseManifest(dist, ['sv'], key);
      const bytes = await readFile(join(dist, 'release-manifest.json'), 'utf8');
      expect(releaseManifestSchema.parse(JSON.parse(bytes))).toEqual({
        v: 2,
        keySet: sha256('{"v":1,"keys":[]}'),
        pages: { '/sv/kontakt/': sha256('<html>kontakt</html>'), '/sv/svar/': sha256('<html>svar</html>') },
        files: { '/_astro/Contact.A1.js': sha256('console.log(1)'), '/_astro/style.css': sha256('a{}') },
      });
      const signature = await readFile(join(dist, 'release-manifest.sig'), 'utf8');
      expect(verifyRelease(bytes, signature, [releasePublicKey(key)])).toBe(true);
      expect(verifyRelease(bytes.replace('"v": 2', '"v": 2 '), signature, [releasePublicKey(key)])).toBe(false);
    } finally {
      await rm(dist, { recursive: true, force: true });
    }
  });
});
