// The rules the code already follows, checked on every `npm test` (STYLE: simple and explicit).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', '**/coverage/**', 'data/**', '**/*.d.ts', 'clients/web/public/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      // Node for the server, the CLI and the tests; the browser for the web client and the SDK's browser paths.
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_' }],
      // Tests set a variable once that callbacks made earlier read.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Control characters in patterns are deliberate: they are what input validation refuses.
      'no-control-regex': 'off',
    },
  },
);
