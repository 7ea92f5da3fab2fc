// One lint set-up for the monorepo. Production sources get the type-aware rules (floating and
// misused promises, exhaustive switches); specs, their helpers and e2e tests the syntactic ones.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sources = ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'];
const tests = ['**/*.spec.ts', '**/*.spec-helper.ts', 'e2e/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.sotto/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: sources,
    ignores: tests,
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    rules: {
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Character-class checks of XML and JIDs are about control characters by definition.
    files: ['libs/xmpp/src/**/*.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly' },
    },
  },
);
