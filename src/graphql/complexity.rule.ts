import {
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { GatewayError } from '../errors/gateway-error';
import { toGraphQLError } from './graphql-error';

export interface ComplexityLimits {
  /** Deepest field nesting, fragments expanded. @default 15 */
  maxDepth: number;
  /** Fields selected in the whole operation, fragments expanded. @default 1500 */
  maxFields: number;
  /** Aliased fields: each alias is another provider call. @default 30 */
  maxAliases: number;
}

const DEFAULT_LIMITS: ComplexityLimits = { maxDepth: 15, maxFields: 1500, maxAliases: 30 };

/**
 * A validation rule that refuses, before anything runs, operations that would fan out into a
 * flood of provider calls on the organization's behalf. Fragments are expanded while counting (a
 * "fragment bomb" is caught), and counting stops at the first limit crossed.
 */
export function complexityRule(limits: Partial<ComplexityLimits> = {}) {
  const { maxDepth, maxFields, maxAliases } = { ...DEFAULT_LIMITS, ...limits };
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    return {
      OperationDefinition(operation) {
        let fields = 0;
        let aliases = 0;
        const walk = (
          set: SelectionSetNode,
          depth: number,
          seen: ReadonlySet<string>,
        ): string | undefined => {
          if (depth > maxDepth) return `deeper than ${maxDepth} levels`;
          for (const selection of set.selections) {
            if (selection.kind === Kind.FIELD) {
              if (++fields > maxFields) return `more than ${maxFields} fields`;
              if (selection.alias && ++aliases > maxAliases) return `more than ${maxAliases} aliases`;
              if (selection.selectionSet) {
                const problem = walk(selection.selectionSet, depth + 1, seen);
                if (problem) return problem;
              }
            } else if (selection.kind === Kind.INLINE_FRAGMENT) {
              const problem = walk(selection.selectionSet, depth, seen);
              if (problem) return problem;
            } else {
              const name = selection.name.value;
              const fragment = fragments.get(name);
              // Cycles are reported by graphql-js's own NoFragmentCycles rule.
              if (!fragment || seen.has(name)) continue;
              const problem = walk(fragment.selectionSet, depth, new Set([...seen, name]));
              if (problem) return problem;
            }
          }
          return undefined;
        };
        const problem = walk(operation.selectionSet, 1, new Set());
        if (problem) {
          context.reportError(
            toGraphQLError(
              new GatewayError('QUERY_TOO_COMPLEX', `The operation is too complex: ${problem}.`, {
                extensions: { limits: { maxDepth, maxFields, maxAliases } },
              }),
            ),
          );
        }
        return false;
      },
    };
  };
}
