/**
 * A validation rule that bounds each operation's depth and its size once fragments are expanded.
 *
 * It replaces graphql-depth-limit, which expanded a fragment again at every spread: a 1.3 KB document of
 * fragments that each spread the next one twice, 25 levels deep, kept the event loop busy for many
 * seconds, and a fragment cycle or a very wide selection overflowed its stack (a 500). Here every
 * definition is walked once, iteratively (no recursion, so no stack to overflow), and what a fragment adds (its depth and
 * its expanded size) is worked out once per fragment from the fragments it spreads, so the work grows
 * with the length of the document, not with what it expands to. A cycle or an unknown fragment counts
 * as nothing here; graphql's own rules (NoFragmentCycles, KnownFragmentNames) report them.
 *
 * Depth is counted as graphql-depth-limit counted it, so GRAPHQL_MAX_DEPTH keeps its meaning: the
 * root fields are at depth 0, their children at 1, and so on; introspection fields (`__schema`,
 * `__type`, `__typename`) do not add depth. Size counts every selection (field, fragment spread,
 * inline fragment) the operation would have with all its fragments written out, which is the walk the
 * cost estimate (graphql-query-complexity) makes; bounding it here keeps that estimate linear as well.
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type ExecutableDefinitionNode,
  type SelectionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * Most selections an operation may have with its fragments written out. Far above any real client's
 * (the largest own operation has under 300) and above any cost the default limit allows, since every
 * field costs at least 1.
 */
export const MAX_EXPANDED_SELECTIONS = 10_000;

export interface QueryLimits {
  /** Deepest field allowed, counting the root fields as 0 (graphql-depth-limit's count). */
  maxDepth: number;
  /** Most selections an operation may have once its fragments are expanded. */
  maxSelections: number;
}

/** What one definition (operation or fragment) holds by itself, before its spreads are expanded. */
interface OwnShape {
  depth: number;
  selections: number;
  /** The fragments it spreads, each with the depth its fields start at. */
  spreads: { name: string; depth: number }[];
}

interface Shape {
  depth: number;
  selections: number;
}

function ownShape(definition: ExecutableDefinitionNode): OwnShape {
  const shape: OwnShape = { depth: 0, selections: 0, spreads: [] };
  const pending: { selections: readonly SelectionNode[]; level: number }[] = [
    { selections: definition.selectionSet.selections, level: 0 },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { selections, level } = next;
    for (const selection of selections) {
      shape.selections++;
      switch (selection.kind) {
        case Kind.FIELD:
          shape.depth = Math.max(shape.depth, level);
          if (selection.selectionSet !== undefined && !selection.name.value.startsWith('__')) {
            pending.push({ selections: selection.selectionSet.selections, level: level + 1 });
          }
          break;
        case Kind.INLINE_FRAGMENT:
          pending.push({ selections: selection.selectionSet.selections, level });
          break;
        case Kind.FRAGMENT_SPREAD:
          shape.spreads.push({ name: selection.name.value, depth: level });
          break;
      }
    }
  }
  return shape;
}

/**
 * The depth and expanded size of every fragment, each computed once from the fragments it spreads
 * (depth-first, with an explicit stack so a long chain of fragments cannot overflow the call stack).
 * Sizes stop growing past `cap`, which is all a caller needs to know.
 */
function fragmentShapes(own: Map<string, OwnShape>, cap: number): Map<string, Shape> {
  const done = new Map<string, Shape>();
  const onPath = new Set<string>();
  for (const start of own.keys()) {
    if (done.has(start)) continue;
    const stack: { name: string; next: number }[] = [{ name: start, next: 0 }];
    onPath.add(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const shape = own.get(frame.name)!;
      const spread = shape.spreads[frame.next];
      if (spread !== undefined) {
        frame.next++;
        if (own.has(spread.name) && !done.has(spread.name) && !onPath.has(spread.name)) {
          stack.push({ name: spread.name, next: 0 });
          onPath.add(spread.name);
        }
        continue;
      }
      done.set(frame.name, combine(shape, done, cap));
      onPath.delete(frame.name);
      stack.pop();
    }
  }
  return done;
}

/** A definition's shape with its spreads expanded; a fragment not (yet) known adds nothing. */
function combine(shape: OwnShape, fragments: ReadonlyMap<string, Shape>, cap: number): Shape {
  let depth = shape.depth;
  let selections = shape.selections;
  for (const spread of shape.spreads) {
    const fragment = fragments.get(spread.name);
    if (fragment === undefined) continue;
    depth = Math.max(depth, spread.depth + fragment.depth);
    selections = Math.min(cap + 1, selections + fragment.selections);
  }
  return { depth, selections: Math.min(cap + 1, selections) };
}

export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const document = context.getDocument();
    const own = new Map<string, OwnShape>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION && !own.has(definition.name.value)) {
        own.set(definition.name.value, ownShape(definition));
      }
    }
    const fragments = fragmentShapes(own, limits.maxSelections);
    return {
      OperationDefinition(operation) {
        const shape = combine(ownShape(operation), fragments, limits.maxSelections);
        const name = operation.name === undefined ? 'The operation' : `Operation '${operation.name.value}'`;
        if (shape.depth > limits.maxDepth) {
          context.reportError(
            new GraphQLError(`${name} exceeds maximum operation depth of ${limits.maxDepth}`, {
              nodes: operation,
            }),
          );
        }
        if (shape.selections > limits.maxSelections) {
          context.reportError(
            new GraphQLError(
              `${name} has more than ${limits.maxSelections} selections once its fragments are expanded; ask for fewer fields`,
              { nodes: operation },
            ),
          );
        }
        return false;
      },
      FragmentDefinition() {
        return false;
      },
    };
  };
}
