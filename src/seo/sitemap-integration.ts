import { writeFile } from 'node:fs/promises';
import type { AstroIntegration } from 'astro';

/**
 * Writes dist/sitemap.xml from the pages the build actually produced, so
 * the browser tests crawl every page in every locale and none is forgotten.
 */
export function sitemapIntegration(): AstroIntegration {
  let site = 'https://utvag.example';
  return {
    name: 'utvag:sitemap',
    hooks: {
      'astro:config:done': ({ config }) => {
        if (config.site) site = config.site;
      },
      'astro:build:done': async ({ dir, pages }) => {
        const paths = pages
          .map((p) => '/' + p.pathname)
          .filter((p) => p !== '/404/')
          .sort();
        const urls = paths.map((p) => `  <url><loc>${new URL(p, site).href}</loc></url>`).join('\n');
        const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
        await writeFile(new URL('sitemap.xml', dir), xml, 'utf8');
      },
    },
  };
}
