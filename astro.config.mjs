// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { securityHeadersIntegration } from './src/security/headers-integration.ts';
import { sitemapIntegration } from './src/seo/sitemap-integration.ts';

export default defineConfig({
  // The public address; only used for absolute links in previews and QR codes.
  site: process.env.UTVAG_SITE_URL ?? 'https://utvag.example',
  output: 'static',
  trailingSlash: 'always',
  build: {
    format: 'directory',
    // No inline <style> or <script>: the CSP forbids 'unsafe-inline'.
    inlineStylesheets: 'never',
  },
  vite: {
    build: { assetsInlineLimit: 0 },
  },
  devToolbar: { enabled: false },
  integrations: [mdx(), securityHeadersIntegration(), sitemapIntegration()],
});
