import { nodeKey } from '../domain/ids.ts';
import { builder } from './builder.ts';
import { PayoutProviderEnum } from './enums.ts';
import { MoneyRef } from './money.ts';
import type { Balance } from '../domain/account.ts';
import type { BalanceList } from '../services/gateway.ts';
import { providerErrorsField } from './errors.ts';

export const BalanceRef = builder.node(builder.objectRef<Balance>('Balance'), {
  authScopes: { 'balances:read': true },
  id: { resolve: (b) => nodeKey(b.provider, b.providerBalanceId) },
  isTypeOf: (v) => typeof v === 'object' && v !== null && 'providerBalanceId' in v,
  loadOne: (key, ctx) => {
    const { provider, id } = ctx.gateway.refOfKey(key);
    return ctx.gateway.registry.operation(provider, 'getBalance')(id);
  },
  fields: (t) => ({
    provider: t.field({ type: PayoutProviderEnum, resolve: (b) => b.provider }),
    currency: t.field({ type: 'CurrencyCode', resolve: (b) => b.currency }),
    available: t.field({
      type: MoneyRef,
      description: 'What can be paid out now.',
      resolve: (b) => b.available,
    }),
    pending: t.field({ type: MoneyRef, description: 'Funds not yet available.', resolve: (b) => b.pending }),
  }),
});

const BalanceListRef = builder.objectRef<BalanceList>('BalanceList').implement({
  description: 'Balances of one provider, or of every enabled provider, asked at once.',
  fields: (t) => ({
    nodes: t.field({ type: [BalanceRef], resolve: (l) => l.nodes }),
    providerErrors: t.field({ ...providerErrorsField, resolve: (l) => l.providerErrors }),
  }),
});

builder.queryField('balances', (t) =>
  t.field({
    type: BalanceListRef,
    authScopes: { 'balances:read': true },
    description:
      'Every enabled provider’s balances (a provider that fails is named in `providerErrors`), or one provider’s.',
    args: { provider: t.arg({ type: PayoutProviderEnum }) },
    resolve: (_root, { provider }, ctx) => ctx.gateway.balances(provider),
  }),
);
