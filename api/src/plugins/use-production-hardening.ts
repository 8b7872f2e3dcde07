/**
 * Response headers for an API that serves JSON and (in dev only) GraphiQL,
 * and in production: no introspection (the printed schema is published in
 * the repository instead), HSTS when TLS is ours or a trusted proxy's.
 */
import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface HardeningOptions {
  readonly production: boolean;
  readonly https: boolean;
}

export function useProductionHardening(options: HardeningOptions): Plugin {
  return {
    onValidate({ addValidationRule }) {
      if (options.production) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
    onResponse({ response }) {
      const h = response.headers;
      h.set('x-content-type-options', 'nosniff');
      h.set('referrer-policy', 'no-referrer');
      h.set('x-frame-options', 'DENY');
      h.set('cross-origin-resource-policy', 'same-origin');
      // Tokens and challenges must never sit in a cache.
      h.set('cache-control', 'no-store');
      // GraphiQL (dev) loads its scripts and styles from the page itself; production serves no HTML at all.
      if (options.production) h.set('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
      if (options.https) h.set('strict-transport-security', 'max-age=63072000; includeSubDomains');
    },
  };
}
