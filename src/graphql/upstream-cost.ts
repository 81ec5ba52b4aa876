import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  isObjectType,
  typeFromAST,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';

/** A field's declared cost (schema/cost.graphql). */
interface FieldCost {
  calls: number;
  provider: string;
  batch: number | undefined;
}

interface ListSize {
  sizeArg: string | undefined;
  max: number;
}

/** Upstream calls an operation may make, per provider (the Provider enum's values). */
export interface UpstreamCostEstimate {
  total: number;
  byProvider: Record<string, number>;
}

/**
 * Where objects sit in the result: `groups` lists (one per resolution of the list field above) of
 * at most `perGroup` objects each. A field resolves once per object (groups × perGroup); a batched
 * field costs ceil(perGroup / batch) calls per group, because DataLoader batches the loads one list
 * makes in the same tick, and separate lists resolve (and batch) separately.
 */
interface Position {
  groups: number;
  perGroup: number;
}

/** Far beyond any ceiling; keeps the arithmetic finite for absurd documents. */
const CAP = 1e12;

/**
 * Estimates, before anything runs, how many upstream calls an operation can make (an upper bound
 * for the way the resolvers call providers; README "Limits and the cost model"). Fields' costs and
 * lists' sizes are declared in the SDL with @cost and @listSize. Fragments and inline fragments
 * are expanded, @skip/@include honoured, and same-named selections merged as execution merges them.
 * An abstract position costs, per provider, the most any of its possible types costs.
 */
export class UpstreamCostEstimator {
  private readonly costs = new WeakMap<GraphQLField<unknown, unknown>, FieldCost | null>();
  private readonly sizes = new WeakMap<GraphQLField<unknown, unknown>, ListSize | null>();

  constructor(
    private readonly schema: GraphQLSchema,
    /**
     * A type whose objects each bring their own data source (an integration: one organization's
     * account). DataLoader batches never span two of them, so each starts its own group.
     */
    private readonly startsDataSource: (type: GraphQLNamedType) => boolean = implementsIntegration,
  ) {}

  estimate(
    document: { definitions: ReadonlyArray<{ kind: Kind }> },
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
  ): UpstreamCostEstimate {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of document.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) {
        const fragment = def as FragmentDefinitionNode;
        fragments.set(fragment.name.value, fragment);
      }
    }
    const root = this.schema.getRootType(operation.operation);
    const byProvider: Record<string, number> = {};
    if (root) {
      const walk = new Walk(this, fragments, variables);
      for (const [provider, calls] of walk.object([operation.selectionSet], root, { groups: 1, perGroup: 1 }))
        byProvider[provider] = calls;
    }
    const total = Math.min(
      CAP,
      Object.values(byProvider).reduce((sum, calls) => sum + calls, 0),
    );
    return { total, byProvider };
  }

  /** @internal */
  costOf(field: GraphQLField<unknown, unknown>): FieldCost | null {
    let cost = this.costs.get(field);
    if (cost === undefined) {
      const directive = getDirective(this.schema, field, 'cost')?.[0];
      cost = directive
        ? {
            calls: Number(directive.calls ?? 1),
            provider: String(directive.provider),
            batch: directive.batch == null ? undefined : Math.max(1, Number(directive.batch)),
          }
        : null;
      this.costs.set(field, cost);
    }
    return cost;
  }

  /** @internal */
  listSizeOf(field: GraphQLField<unknown, unknown>): ListSize | null {
    let size = this.sizes.get(field);
    if (size === undefined) {
      const directive = getDirective(this.schema, field, 'listSize')?.[0];
      size = directive
        ? {
            sizeArg: directive.sizeArg == null ? undefined : String(directive.sizeArg),
            max: Number(directive.max),
          }
        : null;
      this.sizes.set(field, size);
    }
    return size;
  }

  /** @internal */
  get gqlSchema(): GraphQLSchema {
    return this.schema;
  }

  /** @internal */
  startsOwnDataSource(type: GraphQLNamedType): boolean {
    return this.startsDataSource(type);
  }
}

/** Integrations (`Integration`, `IntegrationCommon` and the types implementing it). */
export function implementsIntegration(type: GraphQLNamedType): boolean {
  if (type.name === 'Integration' || type.name === 'IntegrationCommon') return true;
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'IntegrationCommon');
}

type Costs = Map<string, number>;

function addInto(target: Costs, source: Costs): void {
  for (const [provider, calls] of source)
    target.set(provider, Math.min(CAP, (target.get(provider) ?? 0) + calls));
}

/** One estimate's walk over the operation. */
class Walk {
  constructor(
    private readonly estimator: UpstreamCostEstimator,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  /** Calls made below a position whose objects are of `type` (abstract: the costliest possible type per provider). */
  position(sets: SelectionSetNode[], type: GraphQLNamedType, at: Position): Costs {
    if (isObjectType(type)) return this.object(sets, type, at);
    if (!isAbstractType(type)) return new Map();
    const costs: Costs = new Map();
    for (const possible of this.estimator.gqlSchema.getPossibleTypes(type)) {
      for (const [provider, calls] of this.object(sets, possible, at)) {
        costs.set(provider, Math.max(costs.get(provider) ?? 0, calls));
      }
    }
    return costs;
  }

  object(sets: SelectionSetNode[], type: GraphQLObjectType, at: Position): Costs {
    const costs: Costs = new Map();
    const objects = Math.min(CAP, at.groups * at.perGroup);
    if (objects === 0) return costs;
    for (const nodes of this.collect(sets, type, new Map(), new Set()).values()) {
      const node = nodes[0]!;
      const field = type.getFields()[node.name.value];
      if (!field) continue; // __typename and introspection: no upstream call
      const cost = this.estimator.costOf(field);
      if (cost) {
        const resolutions = cost.batch ? at.groups * Math.ceil(at.perGroup / cost.batch) : objects;
        addInto(costs, new Map([[cost.provider, Math.min(CAP, resolutions * cost.calls)]]));
      }
      const children = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      if (children.length === 0) continue;
      const named = getNamedType(field.type);
      const listSize = this.estimator.listSizeOf(field);
      let below = at;
      if (listSize) below = { groups: objects, perGroup: this.sizeOf(field, node, listSize) };
      else if (this.estimator.startsOwnDataSource(named)) below = { groups: objects, perGroup: 1 };
      addInto(costs, this.position(children, named, below));
    }
    return costs;
  }

  /** The list's size bound: the size argument (variable or default), within [0, max]. */
  private sizeOf(field: GraphQLField<unknown, unknown>, node: FieldNode, size: ListSize): number {
    if (!size.sizeArg) return size.max;
    let value: unknown;
    try {
      value = getArgumentValues(field, node, this.variables)[size.sizeArg];
    } catch {
      value = undefined; // invalid arguments fail before any call; count the maximum anyway
    }
    const asked = typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : size.max;
    return Math.min(Math.max(asked, 0), size.max);
  }

  /** Fields by response key for one object type, as execution collects them. */
  private collect(
    sets: SelectionSetNode[],
    type: GraphQLObjectType,
    into: Map<string, FieldNode[]>,
    visited: Set<string>,
  ): Map<string, FieldNode[]> {
    for (const set of sets) {
      for (const selection of set.selections) {
        if (!this.included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const list = into.get(key);
          if (list) list.push(selection);
          else into.set(key, [selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (this.applies(selection.typeCondition?.name.value, type))
            this.collect([selection.selectionSet], type, into, visited);
        } else {
          const name = selection.name.value;
          const fragment = this.fragments.get(name);
          if (!fragment || visited.has(name)) continue;
          visited.add(name);
          if (this.applies(fragment.typeCondition.name.value, type))
            this.collect([fragment.selectionSet], type, into, visited);
        }
      }
    }
    return into;
  }

  private applies(condition: string | undefined, type: GraphQLObjectType): boolean {
    if (!condition || condition === type.name) return true;
    const schema = this.estimator.gqlSchema;
    const conditionType = typeFromAST(schema, {
      kind: Kind.NAMED_TYPE,
      name: { kind: Kind.NAME, value: condition },
    });
    if (!conditionType) return false;
    return isAbstractType(conditionType) && schema.isSubType(conditionType, type);
  }

  private included(node: SelectionNode): boolean {
    try {
      if (getDirectiveValues(GraphQLSkipDirective, node, this.variables)?.if === true) return false;
      if (getDirectiveValues(GraphQLIncludeDirective, node, this.variables)?.if === false) return false;
    } catch {
      // A bad @skip/@include variable fails the operation before any call: count the selection.
    }
    return true;
  }
}
