/**
 * Build time of the real site and of the site with its content multiplied
 * tenfold, both in temporary copies of the project (so the shared dist/ is
 * never touched): astro build + the Pagefind index, exactly as
 * tools/dev/build-site.ts does, with the test intake's key set.
 *
 * Tenfold: every guidance page (content/<locale>/<slug>.mdx, not index)
 * is there 10 times, the original and nine copies under new slugs
 * (<slug>-kopia-2 … -10), in every locale. The copy's astro.config.mjs gets
 * its own cache folders, so nothing is written into the shared node_modules.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { projectEnv } from '../dev/run.ts';
import { localeCodes } from '../../protocol/locales.ts';

export interface BuildFigure {
  label: string;
  multiplier: number;
  guidancePages: number;
  htmlPages: number;
  seconds: number;
}

export interface BuildResult {
  real: BuildFigure;
  tenfold: BuildFigure;
  /** tenfold.seconds / real.seconds */
  ratio: number;
}

// The site's build reads the protocol and the build script (tools/); the intake supplies the recipients reader the dev keys use.
const COPY = ['astro.config.mjs', 'package.json', 'tsconfig.json', 'content', 'src', 'public', 'functions', 'protocol', 'intake', 'tools'];

async function makeCopy(multiplier: number): Promise<{ dir: string; guidancePages: number }> {
  const root = resolve('.');
  const dir = await mkdtemp(join(tmpdir(), `utvag-build-x${multiplier}-`));
  for (const entry of COPY) await cp(join(root, entry), join(dir, entry), { recursive: true });
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const configPath = join(dir, 'astro.config.mjs');
  const config = await readFile(configPath, 'utf8');
  await writeFile(
    configPath,
    config
      .replace('devToolbar: {', "cacheDir: './.cache/astro',\n  devToolbar: {")
      .replace('vite: {', "vite: {\n    cacheDir: './.cache/vite',"),
  );
  let guidancePages = 0;
  for (const locale of localeCodes) {
    const folder = join(dir, 'content', locale);
    const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.mdx'));
    for (const name of names) {
      guidancePages++;
      if (name === 'index.mdx' || multiplier === 1) continue;
      const text = await readFile(join(folder, name), 'utf8');
      for (let copy = 2; copy <= multiplier; copy++) {
        await writeFile(join(folder, name.replace(/\.mdx$/, `-kopia-${copy}.mdx`)), text);
        guidancePages++;
      }
    }
  }
  return { dir, guidancePages };
}

async function countHtml(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile() && entry.name.endsWith('.html')) count++;
  return count;
}

function timedBuild(dir: string, recipientsFile: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn('node', ['tools/dev/build-site.ts'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...projectEnv({ UTVAG_RECIPIENTS: recipientsFile }), PATH: `${join(dir, 'node_modules', '.bin')}:${projectEnv().PATH}` },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('exit', (code) =>
      code === 0 ? resolvePromise((performance.now() - started) / 1000) : reject(new Error(`build in ${dir} failed (${code}): ${stderr}`)),
    );
    child.on('error', reject);
  });
}

export async function benchBuild(recipientsFile: string, log: (line: string) => void = () => undefined): Promise<BuildResult> {
  const figures: BuildFigure[] = [];
  for (const multiplier of [1, 10]) {
    const { dir, guidancePages } = await makeCopy(multiplier);
    try {
      log(`  build: content ×${multiplier} (${guidancePages} guidance pages) in ${dir}`);
      const seconds = await timedBuild(dir, resolve(recipientsFile));
      figures.push({
        label: multiplier === 1 ? 'real site' : 'content ×10',
        multiplier,
        guidancePages,
        htmlPages: await countHtml(join(dir, 'dist')),
        seconds: Number(seconds.toFixed(1)),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { real: figures[0]!, tenfold: figures[1]!, ratio: Number((figures[1]!.seconds / figures[0]!.seconds).toFixed(2)) };
}
