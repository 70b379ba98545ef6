// ESLint flat config, at the root so that editors and `npx eslint <file>` find it.
// What git ignores (build output, reports, scratch files) is not linted either.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

const root = fileURLToPath(new URL('.', import.meta.url));

/** .gitignore's patterns as ESLint globs: a pattern with an inner slash is anchored at the root, others match anywhere. */
const gitignored = readFileSync(new URL('.gitignore', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('!'))
  .map((line) => {
    const directory = line.endsWith('/');
    const pattern = line.replace(/\/$/, '');
    const glob = pattern.includes('/') ? pattern.replace(/^\//, '') : `**/${pattern}`;
    return directory ? `${glob}/**` : glob;
  });

/** The harness's requests are sent once: got comes from steps/support/http.ts, never bare (it retries by default). */
const noBareGot = {
  regex: '^got$',
  message: "import got from steps/support/http.ts: the harness's client, which never retries a request.",
};

const noDev = {
  regex: '^(\\.\\./)+dev/',
  message: 'dev/ holds entry points: what the harness needs from there belongs in testkit/.',
};

export default tseslint.config(
  { basePath: root, ignores: [...gitignored, '.ci/**', 'cucumber.cjs'] },
  {
    basePath: root,
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/require-await': 'off',
    },
  },
  // Imports: one statement per module (a type-only import beside it is fine), sorted by
  // eslint-plugin-simple-import-sort (`npx eslint --fix` sorts them).
  {
    basePath: root,
    files: ['**/*.ts', '**/*.mjs'],
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
    },
  },
  // A declaration file's `declare module` blocks each import their package once: not duplicates.
  { basePath: root, files: ['**/*.d.ts'], rules: { 'no-duplicate-imports': 'off' } },
  // The harness imports no entry point of dev/: what it shares with the bench is in testkit/. Support is what the step
  // files share: it never imports a step file (arrows point from steps to support).
  {
    basePath: root,
    files: ['steps/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noDev, noBareGot] }] },
  },
  {
    basePath: root,
    files: ['steps/support/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noDev,
            noBareGot,
            {
              regex: '(^|/)[^/]*_steps(\\.js)?$',
              message: 'steps/support never imports a step file: move what both need into steps/support.',
            },
          ],
        },
      ],
    },
  },
  { basePath: root, files: ['steps/support/http.ts'], rules: { 'no-restricted-imports': 'off' } },
  // Layout is Prettier's (.prettierrc.json): no ESLint rule argues with it.
  prettier,
);
