/**
 * The three front doors stay shut: the site (src/), the Worker (functions/)
 * and the intake (intake/) each import only themselves and the shared
 * protocol (protocol/), which imports none of them; development tooling
 * (tools/) may use everything, and nothing deployed may use it. Each
 * deployable's bare imports must be in its own package.json, so its
 * dependency list is the truth. Reads every import in the tree (static,
 * re-export and dynamic with a string literal).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');

type Area = 'protocol' | 'worker' | 'intake' | 'site' | 'browser' | 'content' | 'tools' | 'tests' | 'other';

function areaOf(path: string): Area {
  if (path.startsWith('protocol/')) return 'protocol';
  if (path.startsWith('functions/')) return 'worker';
  if (path.startsWith('intake/src/')) return 'intake';
  // Browser scripts: the shared ones, and each component's own beside its
  // markup. Its hooks.ts (names only) is the site's: the Worker uses it too.
  if (path.startsWith('src/client/') || (path.startsWith('src/components/') && !/(\.astro|\/hooks\.ts)$/.test(path))) return 'browser';
  if (path.startsWith('src/')) return 'site';
  if (path.startsWith('content/')) return 'content';
  if (path.startsWith('tools/')) return 'tools';
  if (path.startsWith('tests/') || path.startsWith('intake/tests/')) return 'tests';
  return 'other';
}

/** Which areas each deployable may import from (relative imports). */
const mayImport: Record<'protocol' | 'worker' | 'intake' | 'site' | 'browser', readonly Area[]> = {
  protocol: ['protocol', 'content'],
  // The Worker serves the site: its no-JavaScript path renders the site's form parts and strings.
  worker: ['worker', 'protocol', 'site'],
  intake: ['intake', 'protocol', 'content'],
  site: ['site', 'browser', 'protocol', 'content'],
  browser: ['browser', 'site', 'protocol'],
};

/**
 * The one door between two deployables (issue 20): the Worker re-exports
 * the hosted team inbox's Durable Object class, so the same inbox runs in
 * the Worker's account. Typed by functions/hosted-inbox.d.ts; the class
 * reaches no Node-only module (intake/tests checks the inbox's graph).
 */
const allowedCrossings: Record<string, string> = {
  'functions/hosted-inbox.js': 'intake/src/hosted/hosted-inbox.ts',
};

/** Where each deployable's bare imports must be declared. */
const packageOf: Record<keyof typeof mayImport, string> = {
  protocol: 'protocol/package.json',
  worker: 'functions/package.json',
  intake: 'intake/package.json',
  site: 'package.json',
  browser: 'package.json',
};

/** Runtimes with no Node: a `node:` import there is a bug. */
const noNode = new Set<Area>(['protocol', 'worker', 'browser']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sourceFiles(path));
    } else if (/\.(ts|mts|mjs|js|astro)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const importPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([\w@.:/-][^'"\s,{}]*)\1/gm;

export function importsOf(text: string): string[] {
  return [...text.matchAll(importPattern)].map((match) => match[2]!);
}

/** A deployable's declared packages; the site is built by the root package, its build tools included. */
function declared(packageFile: string): Set<string> {
  const pkg = JSON.parse(readFileSync(join(root, packageFile), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const lists = packageFile === 'package.json' ? [pkg['dependencies'], pkg['devDependencies']] : [pkg['dependencies']];
  return new Set(lists.flatMap((list) => Object.keys(list ?? {})));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function violations(): string[] {
  const found: string[] = [];
  const files = ['protocol', 'functions', 'intake/src', 'src'].flatMap(sourceFiles);
  for (const file of files) {
    const area = areaOf(file) as keyof typeof mayImport;
    const deps = declared(packageOf[area]);
    for (const specifier of importsOf(readFileSync(join(root, file), 'utf8'))) {
      // A path from the site root is a URL a browser asset loads, not a module of this tree.
      if (specifier.startsWith('/')) continue;
      if (specifier.startsWith('.')) {
        const target = normalize(join(dirname(file), specifier));
        const targetArea = areaOf(target);
        const allowed =
          (mayImport[area].includes(targetArea) && !(targetArea === 'content' && !target.endsWith('.json'))) ||
          allowedCrossings[file] === target;
        if (!allowed) found.push(`${file} imports ${relative(root, join(root, target))} (${targetArea})`);
      } else if (specifier.startsWith('node:')) {
        if (noNode.has(area)) found.push(`${file} imports ${specifier}, but runs without Node`);
      } else if (!specifier.startsWith('astro:') && !specifier.startsWith('cloudflare:') && specifier !== 'astro') {
        if (!deps.has(packageName(specifier))) found.push(`${file} imports ${specifier}, not in ${packageOf[area]}`);
      }
    }
  }
  return found;
}

describe('import boundaries', () => {
  it('reads every kind of import', () => {
    const text = `import a from './a.ts';\nimport type { B } from "../b.ts";\nexport { c } from './c.ts';\nconst d = await import('./d.ts');\nimport './e.css';`;
    expect(importsOf(text)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts', './e.css']);
  });

  it('no deployable imports another, or tooling; the protocol imports none of them', () => {
    expect(violations()).toEqual([]);
  });
});

describe('the intake bundle', () => {
  it('holds only the intake, the protocol and their packages: no site code, no site strings', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [join(root, 'intake/src/cli.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const foreign = inputs.filter(
      (path) => !/^(intake\/src\/|protocol\/|node_modules\/)/.test(path) && path !== 'content/municipalities/municipalities.json',
    );
    expect(inputs.some((path) => path.startsWith('protocol/'))).toBe(true);
    expect(foreign).toEqual([]);
  });
});
