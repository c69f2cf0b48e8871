// The schema builder and its plugins. No types are defined here (see ./index.ts).
import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { type AuthFailure } from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import { GraphQLError } from 'graphql';
import { SCOPES, type GatewayContext, type Scope } from '../context.ts';

/** Every scope a failed check asked for, so the error can name what the key is missing. */
function missingScopes(failure: AuthFailure): string[] {
  // Only real scopes are worth naming; `granted` is this request's own objects.
  if (failure.kind === 'AuthScope')
    return (SCOPES as readonly string[]).includes(failure.scope) ? [failure.scope] : [];
  if (failure.kind === 'AnyAuthScopes' || failure.kind === 'AllAuthScopes')
    return failure.failures.flatMap(missingScopes);
  return [];
}

const ANY_READ = { $any: { 'payouts:read': true, 'balances:read': true, 'bank_accounts:read': true } };

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  AuthScopes: Record<Scope, boolean> & { granted: object };
  DefaultFieldNullability: false;
  Scalars: {
    Decimal: { Input: string; Output: string };
    CurrencyCode: { Input: string; Output: string };
    CountryCode: { Input: string; Output: string };
    SafeInt: { Input: number; Output: number };
    DateTime: { Input: Date; Output: Date };
    Date: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, DataloaderPlugin, SimpleObjectsPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // A subscription's scopes are checked once, when subscribing, not on every event.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      ...(Object.fromEntries(SCOPES.map((s) => [s, ctx.principal?.scopes.has(s) ?? false])) as Record<
        Scope,
        boolean
      >),
      granted: (obj: object) => ctx.granted.has(obj),
    }),
    unauthorizedError: (_parent, _ctx, info, result) => {
      const scopes = [...new Set(missingScopes(result.failure))];
      return new GraphQLError(
        scopes.length
          ? `${info.parentType.name}.${info.fieldName} needs the scope ${scopes.map((s) => `'${s}'`).join(' or ')}.`
          : result.message,
        { extensions: { code: 'FORBIDDEN', requiredScopes: scopes } },
      );
    },
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Each node type checks its own read scope, but only after loading it: without any read scope
    // a key must not even learn whether an id exists. `nodes(ids:)` loads through the same
    // per-request DataLoaders, so ids of one provider are fetched together where it can.
    nodeQueryOptions: { authScopes: ANY_READ },
    nodesQueryOptions: { authScopes: ANY_READ },
  },
  errors: { defaultTypes: [] },
});

/** Lets this request's caller see `obj` (see GatewayContext.granted). */
export function grant<T extends object>(ctx: GatewayContext, obj: T): T {
  ctx.granted.add(obj);
  return obj;
}
