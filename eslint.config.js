// ESLint: typescript-eslint's type-checked rules over every TypeScript file,
// each file checked against the tsconfig of the part it belongs to (the
// project service finds the nearest one: root, functions/, tests/worker/,
// intake/, protocol/), and eslint-plugin-astro for .astro files.
// Formatting is Prettier's job (npm run format), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import astro from 'eslint-plugin-astro';
import globals from 'globals';
import { defineConfig } from 'eslint/config';

/** Rules that read `any` values: off where the types come from outside (tests, .astro templates). */
const unsafeAnyOff = Object.fromEntries(
  ['no-unsafe-argument', 'no-unsafe-assignment', 'no-unsafe-call', 'no-unsafe-member-access', 'no-unsafe-return'].map((rule) => [
    `@typescript-eslint/${rule}`,
    'off',
  ]),
);

export default defineConfig(
  {
    ignores: [
      'dist/',
      '.astro/',
      '.wrangler/',
      'intake-dist/',
      'test-results/',
      'playwright-report/',
      'bench-results/',
      '.dev-intake*/',
      '**/*.generated.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...astro.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // This file is in no tsconfig; it still gets type information.
          allowDefaultProject: ['eslint.config.js'],
        },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.astro'],
      },
    },
  },
  {
    // Project decisions, one line of reason each.
    rules: {
      // A leading underscore marks a value dropped on purpose (`{ kid: _kid, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Test doubles and stubs are async to match the interface they stand in
      // for; the promise bugs that matter are no-floating-promises' and no-misused-promises'.
      '@typescript-eslint/require-await': 'off',
      // The input checks reject control characters on purpose (protocol/request.ts, kit text).
      'no-control-regex': 'off',
      // Event listeners and server callbacks are async functions that catch
      // their own errors; a promise passed where a value is expected still fails.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      // `.catch((error: unknown) => Promise.reject(error))` passes a caught error on as it is.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // Tests read JSON answers and stubbed requests and poke into them: the
    // expect() is the check. They also hand methods to expect() and .call().
    files: ['tests/**/*.ts', 'intake/tests/**/*.ts'],
    rules: {
      ...unsafeAnyOff,
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Hono types a middleware's input as `any` (Context<Env, '*', any>), so
    // handing `c` on to a helper reads as an unsafe argument.
    files: ['intake/src/inbox/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-argument': 'off' },
  },
  {
    // The protocol compiles under the DOM's types and under workerd's, where
    // WebCrypto returns wider types: an assertion needed there reads as unnecessary here.
    files: ['protocol/**/*.ts'],
    rules: { '@typescript-eslint/no-unnecessary-type-assertion': 'off' },
  },
  {
    // typescript-eslint cannot see the types of an .astro template's JSX
    // (every element reads as an error type); astro check types them instead.
    files: ['**/*.astro'],
    // astro-eslint-parser takes `project`, not the project service.
    languageOptions: { parserOptions: { projectService: false, project: true } },
    rules: {
      ...unsafeAnyOff,
    },
  },
  {
    // Playwright reads a fixture's dependencies from its first parameter, so
    // a fixture that needs none must destructure `{}`.
    files: ['tests/browser/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['*.js', '*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // The inbox's browser scripts are plain JavaScript served as they are,
    // outside every tsconfig: the rules that need no types.
    files: ['intake/src/inbox/assets/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.browser },
  },
  {
    // The Worker's one re-export of the hosted inbox, typed by its .d.ts (functions/hosted-inbox.js).
    files: ['functions/hosted-inbox.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
