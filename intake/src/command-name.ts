/**
 * How a person runs this program, for help and messages: `npm run intake --`
 * in a checkout, `node utvag-intake.mjs` from the bundle (which sets
 * __UTVAG_INTAKE_COMMAND__ when it is built, tools/dev/bundle-intake.ts).
 */
declare const __UTVAG_INTAKE_COMMAND__: string | undefined;

export const INTAKE_COMMAND: string = typeof __UTVAG_INTAKE_COMMAND__ === 'string' ? __UTVAG_INTAKE_COMMAND__ : 'npm run intake --';
