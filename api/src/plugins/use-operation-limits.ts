/**
 * Limits on what one request may ask for, so that a single request cannot
 * cost the server much (DESIGN.md §7): the body size (checked against
 * Content-Length before the body is read; Node's HTTP parser then refuses a
 * body longer than announced), the selection depth, and a cost that counts
 * every field after fragment expansion (so aliases and fragment fan-out count
 * in full). Refusals are BAD_INPUT and name the limit, the value measured and
 * the variable that sets it.
 *
 * In dev mode (`exemptIntrospection`) an operation that asks only for
 * introspection (`__schema`, `__type`, `__typename` at its root) is not
 * limited, so GraphiQL's own schema query (depth 13, cost ~100) works: its
 * cost is bounded by the schema and the body-size limit, and production
 * serves no introspection at all.
 */
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { LimitsConfig } from '../config.js';

function refusal(status: number, message: string): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_INPUT' } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

const INTROSPECTION_ROOTS: ReadonlySet<string> = new Set(['__schema', '__type', '__typename']);

function onlyIntrospection(set: SelectionSetNode): boolean {
  return set.selections.every((s) => s.kind === Kind.FIELD && INTROSPECTION_ROOTS.has(s.name.value));
}

export function useOperationLimits(limits: LimitsConfig, options: { exemptIntrospection?: boolean } = {}): Plugin {
  const rule = (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      if (options.exemptIntrospection && onlyIntrospection(operation.selectionSet)) return;
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
      let cost = 0;
      let deepest = 0;
      const walk = (set: SelectionSetNode, depth: number, path: ReadonlySet<string>): void => {
        // Stop as soon as a limit is passed: a fragment bomb would otherwise take exponential time to measure.
        if (cost > limits.maxCost || deepest > limits.maxDepth) return;
        deepest = Math.max(deepest, depth);
        for (const selection of set.selections) {
          if (selection.kind === Kind.FIELD) {
            cost++;
            if (selection.selectionSet) walk(selection.selectionSet, depth + 1, path);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            walk(selection.selectionSet, depth, path);
          } else {
            const name = selection.name.value;
            const fragment = fragments.get(name);
            // Cycles are reported by graphql's own NoFragmentCyclesRule; here they just stop.
            if (fragment && !path.has(name)) walk(fragment.selectionSet, depth, new Set([...path, name]));
          }
        }
      };
      walk(operation.selectionSet, 1, new Set());
      // Measuring stops once a limit is passed, so the value reported is "at least".
      const refused =
        deepest > limits.maxDepth
          ? { what: 'deep', measure: 'depth', measured: deepest, limit: limits.maxDepth, variable: 'PEERLOCK_MAX_QUERY_DEPTH' }
          : cost > limits.maxCost
            ? { what: 'costly', measure: 'cost', measured: cost, limit: limits.maxCost, variable: 'PEERLOCK_MAX_QUERY_COST' }
            : null;
      if (refused) {
        context.reportError(
          new GraphQLError(`Query too ${refused.what}: ${refused.measure} at least ${refused.measured}, over the limit of ${refused.limit} (${refused.variable})`, {
            nodes: [operation],
            extensions: { code: 'BAD_INPUT', limit: refused.limit, measured: refused.measured, variable: refused.variable },
          }),
        );
      }
    },
  });

  return {
    onRequest({ request, endResponse }) {
      if (request.method !== 'POST') return;
      const length = request.headers.get('content-length');
      if (length === null || !/^\d+$/.test(length)) {
        endResponse(refusal(411, 'Content-Length required'));
      } else if (Number(length) > limits.maxBodyBytes) {
        endResponse(refusal(413, 'Request body too large'));
      }
    },
    onValidate({ addValidationRule }) {
      addValidationRule(rule);
    },
  };
}
