// ESLint flat config, at the root so that editors and `npx eslint <file>` find it.
// What git ignores (build output, reports, scratch files) is not linted either.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
  // Layout is Prettier's (.prettierrc.json): no ESLint rule argues with it.
  prettier,
);
