// ESLint for the whole repository; the root eslint.config.js re-exports this file, so editors find it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'coverage/**', '.data/**', 'artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // PAT Manager matches control characters on purpose, to refuse them (names, return addresses,
      // form fields); the rule is there to catch them by accident.
      'no-control-regex': 'off',
    },
  },
  // The pages' few scripts run in the browser.
  {
    files: ['public/**/*.js'],
    languageOptions: { globals: { document: 'readonly', navigator: 'readonly', window: 'readonly' } },
  },
  // Tests read JSON answers whose shape the assertions themselves check.
  { files: ['test/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
