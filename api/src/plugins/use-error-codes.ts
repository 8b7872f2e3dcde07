/**
 * One closed list of error codes for everything a client can receive
 * (errors.ts). Yoga's masking handles execution errors (see maskError); this
 * plugin covers the rest: parse, validation and variable errors become
 * BAD_INPUT, and in production their messages lose graphql-js's "Did you
 * mean …?" hints, which would otherwise leak the schema that introspection hides.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { internalError, isErrorCode, refusalOf } from '../errors.js';

/**
 * Yoga's error masking hook. Our refusals keep their code; the storage's
 * trouble (database restarting, disk full) is the retryable UNAVAILABLE; a
 * GraphQLError that wraps nothing was raised by graphql-js or Yoga about the
 * request itself (unparsable body, variable of the wrong type) and is
 * BAD_INPUT; anything else is a fault of ours, shown only as INTERNAL.
 */
export function maskError(error: unknown): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const refusal = refusalOf(original);
  if (refusal) return refusal.toGraphQLError();
  if (original instanceof GraphQLError) {
    if (isErrorCode(original.extensions?.code)) return original;
    const status = (original.extensions?.http as { status?: unknown } | undefined)?.status;
    if (!original.originalError || (typeof status === 'number' && status >= 400 && status < 500)) {
      return new GraphQLError(withoutEchoedValue(original.message), { nodes: original.nodes, extensions: { code: 'BAD_INPUT', http: { status: 400 } } });
    }
  }
  return internalError();
}

/** graphql-js quotes the offending variable value back; a hostile client need not get its 10 kB back. */
function withoutEchoedValue(message: string): string {
  const variable = /^(Variable "\$[_A-Za-z][_0-9A-Za-z]*" got invalid value)/.exec(message);
  if (variable) return variable[1]!;
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

export function useErrorCodes(options: { production: boolean }): Plugin {
  const normalise = (error: GraphQLError): GraphQLError => {
    if (isErrorCode(error.extensions?.code)) {
      // Yoga marks validation errors `spec` (answered 200 to `Accept: application/json`); a refusal
      // with its own code (a query over a limit) keeps its status whatever the client accepts.
      const http = error.extensions.http as { spec?: boolean } | undefined;
      if (!http?.spec) return error;
      const { spec: _spec, ...status } = http;
      return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, http: status } });
    }
    const message = options.production ? error.message.replace(/ ?Did you mean .*$/s, '') : error.message;
    return new GraphQLError(message, { nodes: error.nodes, extensions: { code: 'BAD_INPUT', http: { status: 400 } } });
  };
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !result || typeof result !== 'object' || !('errors' in result) || !result.errors) return;
      setResult({ ...result, errors: result.errors.map((e) => (e instanceof GraphQLError ? normalise(e) : normalise(new GraphQLError(String((e as Error).message))))) });
    },
  };
}
