// The rules the code already follows, checked on every `npm test` (STYLE: simple and explicit).
import js from '@eslint/js';
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
      globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', globalThis: 'readonly', URL: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', queueMicrotask: 'readonly', fetch: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly', structuredClone: 'readonly', crypto: 'readonly', btoa: 'readonly', atob: 'readonly', window: 'readonly', document: 'readonly', localStorage: 'readonly', navigator: 'readonly', self: 'readonly', WebSocket: 'readonly', Blob: 'readonly', File: 'readonly', FormData: 'readonly', ReadableStream: 'readonly', WritableStream: 'readonly', TransformStream: 'readonly', Worker: 'readonly', MessageEvent: 'readonly', Event: 'readonly', EventTarget: 'readonly', HTMLElement: 'readonly', URLSearchParams: 'readonly', DOMException: 'readonly', CustomEvent: 'readonly', location: 'readonly', requestAnimationFrame: 'readonly', getComputedStyle: 'readonly', postMessage: 'readonly', NodeJS: 'readonly' },
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
