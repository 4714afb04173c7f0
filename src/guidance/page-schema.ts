import { z } from 'astro/zod';

/**
 * Front matter of every guidance page in content/<locale>/<slug>.mdx.
 * The slug (file name) is the same in every locale, so a shared link keeps
 * its shape: /sv/steg/ and /ar/steg/ are the same page.
 */
export const audiences = ['self', 'relative', 'professional', 'everyone'] as const;

export const sourceSchema = z.strictObject({
  /** The organisation, as named in shared/facts.md, e.g. "Stockholms stad". */
  name: z.string().min(2),
  year: z.number().int().min(2000).max(2100),
  url: z.url().optional(),
});

export const translationSchema = z.discriminatedUnion('state', [
  /** The Swedish original that every translation follows. */
  z.strictObject({ state: z.literal('source') }),
  /**
   * A translation. `sourceHash` is the hash of the Swedish page it was made
   * from (see `npm run translations`), so a change to the Swedish page shows
   * the translation as outdated. `reviewed` stays false until a human
   * translator has checked it; the page then says so, in its own language.
   */
  z.strictObject({
    state: z.literal('translation'),
    sourceHash: z.string().regex(/^[0-9a-f]{12}$/),
    reviewed: z.boolean(),
    reviewedBy: z.string().optional(),
  }),
]);

export const pageSchema = z.strictObject({
  title: z.string().min(2).max(90),
  /** One or two sentences: used in search results and link previews. */
  description: z.string().min(10).max(200),
  audience: z.enum(audiences),
  updated: z.coerce.date(),
  /** Where the page's facts come from. A page with no facts may list none. */
  sources: z.array(sourceSchema).default([]),
  translation: translationSchema,
  /** Short label for menus and cards; defaults to the title. */
  navLabel: z.string().max(40).optional(),
  /** Order within its audience's list of pages. */
  order: z.number().int().default(50),
  /** A key page whose print view must fit one A4 sheet. */
  printCard: z.boolean().default(false),
});

export type PageFrontMatter = z.infer<typeof pageSchema>;
