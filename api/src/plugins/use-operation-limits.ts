/**
 * Limits on what one request may ask for, so that a single request cannot
 * cost the server much (DESIGN.md §7): the body size (checked against
 * Content-Length before the body is read; Node's HTTP parser then refuses a
 * body longer than announced), the selection depth, and a cost that counts
 * every field after fragment expansion (so aliases and fragment fan-out count
 * in full). Refusals are BAD_INPUT.
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

export function useOperationLimits(limits: LimitsConfig): Plugin {
  const rule = (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
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
      if (deepest > limits.maxDepth || cost > limits.maxCost) {
        context.reportError(new GraphQLError('Query too deep or too costly', { nodes: [operation], extensions: { code: 'BAD_INPUT' } }));
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
