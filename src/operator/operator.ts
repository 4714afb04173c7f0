/**
 * Who runs the site: one setting, content/site/operator.json (or the file
 * named by UTVAG_OPERATOR), zod-validated at build time. Development shows
 * the committed example, marked as an example on every page; a production
 * build (UTVAG_PRODUCTION=1, as `npm run deploy` sets) fails with a clear
 * message while the operator is still the example.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const contactRoute = z
  .strictObject({
    email: z.email().optional(),
    /** A postal address, one line. */
    postal: z.string().min(5).optional(),
    /** A web address for a form or page the operator runs. */
    web: z.url({ protocol: /^https$/ }).optional(),
  })
  .refine((route) => route.email || route.postal || route.web, { message: 'give at least one of email, postal, web' });

export const operatorSchema = z.strictObject({
  v: z.literal(1),
  about: z.string().optional(),
  /** True for the committed example: a production build refuses it. */
  example: z.boolean(),
  name: z.string().min(2),
  /** Where accessibility feedback reaches a person. */
  accessibility: contactRoute,
  /** Where questions about personal data (GDPR) go. */
  dataProtection: contactRoute,
});
export type Operator = z.infer<typeof operatorSchema>;
export type ContactRoute = z.infer<typeof contactRoute>;

export const operatorFile = process.env['UTVAG_OPERATOR'] ?? 'content/site/operator.json';

export class OperatorSettingError extends Error {}

/** Parses and checks an operator setting; throws OperatorSettingError with the reason. */
export function parseOperator(text: string, file: string, production: boolean): Operator {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new OperatorSettingError(`${file}: not JSON (${(cause as Error).message})`);
  }
  const parsed = operatorSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new OperatorSettingError(`${file}: the operator setting is invalid: ${problems}`);
  }
  if (production && (parsed.data.example || /EXEMPEL|example\.(org|com|net)/i.test(JSON.stringify(parsed.data)))) {
    throw new OperatorSettingError(
      `${file}: a production build needs the real operator (name, accessibility feedback, data protection contact); ` +
        'this is still the example. Fill it in and set "example": false, or point UTVAG_OPERATOR at the real file.',
    );
  }
  return parsed.data;
}

let cached: Operator | undefined;

/** The operator of this build. */
export function loadOperator(): Operator {
  cached ??= parseOperator(readFileSync(operatorFile, 'utf8'), operatorFile, process.env['UTVAG_PRODUCTION'] === '1');
  return cached;
}
