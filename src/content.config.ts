import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { localeCodes } from '../protocol/locales.ts';
import { pageSchema } from './guidance/page-schema.ts';

/** Guidance pages: content/<locale>/<slug>.mdx, id "<locale>/<slug>". */
const guidance = defineCollection({
  loader: glob({ base: './content', pattern: `{${localeCodes.join(',')}}/**/*.mdx` }),
  schema: pageSchema,
});

export const collections = { guidance };
