import { z } from 'zod';
import sv from './strings/sv.json' with { type: 'json' };

/**
 * Interface strings: one flat JSON file per locale. Swedish is the source,
 * so its keys define the schema; every other locale must have exactly the
 * same keys, each a non-empty string.
 */
export type StringKey = keyof typeof sv;

export const stringKeys = Object.keys(sv) as StringKey[];

export const stringsSchema = z.strictObject(
  Object.fromEntries(stringKeys.map((key) => [key, z.string().trim().min(1)])) as Record<StringKey, z.ZodString>,
);

export type UiStrings = z.infer<typeof stringsSchema>;
