import { defineConfig } from 'vite';
import { subresourceIntegrity } from './build-tools/subresource-integrity.js';

/** Where `npm run dev` sends API calls (the server `npm start` runs). */
const api = process.env.PEERLOCK_DEV_API ?? 'http://127.0.0.1:4000';

export default defineConfig({
  // The SDK's "#platform" has a browser variant (scrypt-js, no native addons): take it.
  resolve: { conditions: ['browser', 'module', 'development|production'] },
  build: {
    target: 'es2022',
    // The polyfill and inlined assets would need inline scripts or data: URLs the CSP refuses.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    reportCompressedSize: false,
    // zxcvbn's dictionaries (passphrase strength) are most of the size; there is nothing to split off.
    chunkSizeWarningLimit: 1600,
  },
  worker: { format: 'es' },
  plugins: [subresourceIntegrity()],
  server: {
    host: '127.0.0.1',
    proxy: {
      '/graphql': { target: api, ws: true },
      '/files': { target: api },
    },
  },
});
