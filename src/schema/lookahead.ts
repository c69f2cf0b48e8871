import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the operation selects the field at `path` below the field being resolved (through
 * fragments), so a resolver can ask a provider for what the query will read in the same call.
 * `@skip`/`@include` are not evaluated: a selection they drop costs only bytes, never a call.
 */
export function selects(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  let sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  for (const [depth, name] of path.entries()) {
    const next: SelectionSetNode[] = [];
    let found = false;
    const visit = (set: SelectionSetNode, seen: Set<string>) => {
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value !== name) continue;
          found = true;
          if (selection.selectionSet) next.push(selection.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          visit(selection.selectionSet, seen);
        } else if (!seen.has(selection.name.value)) {
          const fragment = info.fragments[selection.name.value];
          if (fragment) visit(fragment.selectionSet, new Set(seen).add(selection.name.value));
        }
      }
    };
    for (const set of sets) visit(set, new Set());
    if (!found) return false;
    if (depth === path.length - 1) return true;
    sets = next;
  }
  return false;
}
