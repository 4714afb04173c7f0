import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { localeCodes } from '../protocol/locales.ts';
import { EASY_SWEDISH_SEGMENT } from './i18n/easy-swedish.ts';
import { pageSchema } from './guidance/page-schema.ts';
import { easySwedishPageSchema } from './guidance/easy-swedish.ts';

/** Guidance pages: content/<locale>/<slug>.mdx, id "<locale>/<slug>". */
const guidance = defineCollection({
  loader: glob({ base: './content', pattern: `{${localeCodes.join(',')}}/**/*.mdx` }),
  schema: pageSchema,
});

/** Lätt svenska pages: content/latt/<slug>.mdx, id "<slug>", shown at /latt/<slug>/. */
const easySwedish = defineCollection({
  loader: glob({ base: `./content/${EASY_SWEDISH_SEGMENT}`, pattern: '*.mdx' }),
  schema: easySwedishPageSchema,
});

export const collections = { guidance, easySwedish };
