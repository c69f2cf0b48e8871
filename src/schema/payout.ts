import { nodeKey } from '../domain/ids.ts';
import { allowedActions, type Payout } from '../domain/payout.ts';
import { bankAccountKey, BankAccountRef } from './bank-account.ts';
import { builder, grant } from './builder.ts';
import {
  PayoutActionEnum,
  PayoutMethodEnum,
  PayoutProviderEnum,
  PayoutStatusEnum,
  SandboxOutcomeEnum,
} from './enums.ts';
import { CREATE_PAYOUT_ERRORS, PAYOUT_ERRORS, providerErrorsField } from './errors.ts';
import type { FederatedConnection } from '../services/connection.ts';
import { selects } from './lookahead.ts';
import { MoneyInput, MoneyRef } from './money.ts';

const PayoutStatusChangeRef = builder.simpleObject('PayoutStatusChange', {
  fields: (t) => ({
    status: t.field({ type: PayoutStatusEnum }),
    providerStatus: t.string(),
    reason: t.string({ nullable: true }),
    occurredAt: t.field({ type: 'DateTime' }),
  }),
});

const PayoutFailureRef = builder.simpleObject('PayoutFailure', {
  fields: (t) => ({
    code: t.string({ description: 'The provider’s failure code, verbatim.' }),
    message: t.string(),
  }),
});

const RoutingRuleEnum = builder.enumType('RoutingRule', {
  description: 'What chose the provider of a payout created through this gateway.',
  values: {
    PROVIDER: { description: 'The input named it.' },
    DESTINATION: { description: 'It holds the bank account `destinationId` names.' },
    SOURCE: { description: 'It holds the balance `sourceId` names.' },
    CURRENCY: {
      description:
        'The routing rule for the payout’s currency (GATEWAY_ROUTING): the first provider listed whose capabilities fit.',
    },
  } as const,
});

const PayoutRoutingRef = builder.simpleObject('PayoutRouting', {
  fields: (t) => ({
    rule: t.field({ type: RoutingRuleEnum }),
    reason: t.string({ description: 'In words: what decided, and which providers did not fit.' }),
  }),
});

export const PayoutRef = builder.loadableNode(builder.objectRef<Payout>('Payout'), {
  authScopes: (p) => ({ $any: { 'payouts:read': true, granted: p } }),
  id: { resolve: (p) => nodeKey(p.provider, p.providerPayoutId) },
  isTypeOf: (v) => typeof v === 'object' && v !== null && 'providerPayoutId' in v,
  load: (keys: string[], ctx) => ctx.gateway.loadPayouts(keys),
  // Payouts a list resolved are primed into the loader: payout(id:) for one of them costs no call.
  cacheResolved: (p) => nodeKey(p.provider, p.providerPayoutId),
  fields: (t) => ({
    provider: t.field({ type: PayoutProviderEnum, resolve: (p) => p.provider }),
    providerPayoutId: t.exposeString('providerPayoutId'),
    status: t.field({ type: PayoutStatusEnum, resolve: (p) => p.status }),
    providerStatus: t.exposeString('providerStatus'),
    amount: t.field({
      type: MoneyRef,
      nullable: true,
      description:
        'Null while the provider has not fixed it: a Mollie payout requested without an amount pays the full available balance, known once it is initiated.',
      resolve: (p) => p.amount,
    }),
    description: t.exposeString('description', { nullable: true }),
    method: t.field({ type: PayoutMethodEnum, nullable: true, resolve: (p) => p.method }),
    destination: t.field({
      type: BankAccountRef,
      nullable: true,
      description:
        'Loaded per request through a DataLoader: payouts sharing an account cost one provider call.',
      resolve: (p) => (p.destinationId ? nodeKey(p.provider, p.destinationId) : null),
    }),
    failure: t.field({ type: PayoutFailureRef, nullable: true, resolve: (p) => p.failure }),
    allowedActions: t.field({
      type: [PayoutActionEnum],
      description: 'What this payout allows now, given its status and its provider.',
      resolve: (p, _args, ctx) =>
        allowedActions(p.status, ctx.gateway.registry.get(p.provider).capabilities.payoutActions),
    }),
    expectedArrivalAt: t.field({ type: 'DateTime', nullable: true, resolve: (p) => p.expectedArrivalAt }),
    createdAt: t.field({ type: 'DateTime', resolve: (p) => p.createdAt }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the provider last reported a change; null where the provider does not say.',
      resolve: (p) => p.updatedAt,
    }),
    metadata: t.field({ type: 'JSON', nullable: true, resolve: (p) => p.metadata }),
    routing: t.loadable({
      type: PayoutRoutingRef,
      nullable: true,
      description:
        'Why this payout went to its provider; null for a payout not created through this gateway.',
      load: (keys: string[], ctx) => ctx.gateway.routings(keys),
      resolve: (p) => nodeKey(p.provider, p.providerPayoutId),
    }),
    statusHistory: t.field({
      type: [PayoutStatusChangeRef],
      description:
        'Oldest first: what the provider reports (Straddle’s own history; the times Mollie and Token.io stamp; CasaPay’s creation), and every other status the gateway has observed, at the time it first saw it.',
      resolve: (p) => p.statusHistory,
    }),
  }),
});

const PayoutConnection = builder.connectionObject({
  type: PayoutRef,
  name: 'PayoutConnection',
  fields: (t) => ({
    providerErrors: t.field({
      ...providerErrorsField,
      resolve: (c) => (c as unknown as FederatedConnection<Payout>).providerErrors,
    }),
  }),
});

const PayoutFilter = builder.inputType('PayoutFilter', {
  fields: (t) => ({
    provider: t.field({ type: PayoutProviderEnum }),
    status: t.field({ type: [PayoutStatusEnum] }),
    createdAfter: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    createdBefore: t.field({ type: 'DateTime', description: 'Exclusive.' }),
  }),
});

builder.queryFields((t) => ({
  payout: t.field({
    type: PayoutRef,
    nullable: true,
    authScopes: { 'payouts:read': true },
    args: { id: t.arg.id({ required: true }) },
    description: 'Aliases in one request are loaded together (one provider call per batch where it can).',
    resolve: (_root, { id }, ctx) => {
      const { provider, id: providerId } = ctx.gateway.refOf(String(id), 'Payout');
      ctx.gateway.registry.operation(provider, 'getPayout');
      return ctx.gateway.findOrNull(() => PayoutRef.getDataloader(ctx).load(nodeKey(provider, providerId)));
    },
  }),
  payouts: t.field({
    type: PayoutConnection,
    authScopes: { 'payouts:read': true },
    description: 'Newest first, across every enabled provider unless `filter.provider` is set.',
    args: { first: t.arg.int(), after: t.arg.string(), filter: t.arg({ type: PayoutFilter }) },
    resolve: (_root, { first, after, filter }, ctx, info) =>
      ctx.gateway.listPayouts(
        first,
        after,
        filter ?? {},
        // Destinations a provider sends with its list fill the page's loader: no read per account.
        selects(info, ['edges', 'node', 'destination'])
          ? (account) => BankAccountRef.getDataloader(ctx).prime(bankAccountKey(account), account)
          : undefined,
      ),
  }),
}));

const CreatePayoutInput = builder.inputType('CreatePayoutInput', {
  description:
    'Which of amount, sourceId and destinationId a provider needs is in `providers { createPayout }`.',
  fields: (t) => ({
    provider: t.field({
      type: PayoutProviderEnum,
      description:
        'Left out, the gateway routes: to the provider holding `destinationId` (or `sourceId`); with neither, by the routing rule for the amount’s currency, and then the provider’s one balance in that currency is the source where it needs one. `Payout.routing` says what decided.',
    }),
    amount: t.field({ type: MoneyInput }),
    destinationId: t.id({ description: 'A BankAccount id.' }),
    sourceId: t.id({ description: 'A Balance id, for providers that pay from a chosen balance.' }),
    description: t.string(),
    method: t.field({ type: PayoutMethodEnum }),
    metadata: t.field({ type: 'JSON', description: 'An object of string values.' }),
    scheduledFor: t.field({
      type: 'Date',
      description:
        'The date to send the payout on, for providers that schedule (see `providers { createPayout }`).',
    }),
    sandboxOutcome: t.field({
      type: SandboxOutcomeEnum,
      description:
        'Sandbox mode only: the provider’s simulator drives the payout to this outcome, one step per test-helper advance. A ValidationError in live mode.',
    }),
    idempotencyKey: t.string({
      required: true,
      description: 'Repeating a request with the same key returns the same payout and never pays twice.',
    }),
  }),
});

const payoutSuccess = (name: string) =>
  builder.simpleObject(name, { fields: (t) => ({ payout: t.field({ type: PayoutRef }) }) });
const CreatePayoutSuccess = payoutSuccess('CreatePayoutSuccess');
const CancelPayoutSuccess = payoutSuccess('CancelPayoutSuccess');
const HoldPayoutSuccess = payoutSuccess('HoldPayoutSuccess');
const ReleasePayoutSuccess = payoutSuccess('ReleasePayoutSuccess');
const UpdatePayoutSuccess = payoutSuccess('UpdatePayoutSuccess');

const UpdatePayoutInput = builder.inputType('UpdatePayoutInput', {
  description: 'Give at least one change; fields left out stay as they are.',
  fields: (t) => ({
    id: t.id({ required: true }),
    amount: t.field({ type: MoneyInput }),
    description: t.string(),
    scheduledFor: t.field({ type: 'Date', description: 'The date the provider should send the payout on.' }),
  }),
});

builder.mutationFields((t) => ({
  createPayout: t.field({
    type: CreatePayoutSuccess,
    authScopes: { 'payouts:write': true },
    errors: { types: CREATE_PAYOUT_ERRORS, directResult: true, union: { name: 'CreatePayoutResult' } },
    args: { input: t.arg({ type: CreatePayoutInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      payout: grant(ctx, await ctx.gateway.createPayout(ctx.principal!, input, ctx.clientIp)),
    }),
  }),
  holdPayout: t.field({
    type: HoldPayoutSuccess,
    authScopes: { 'payouts:write': true },
    description: 'Stops a payout from moving on until it is released (see `allowedActions`).',
    errors: { types: PAYOUT_ERRORS, directResult: true, union: { name: 'HoldPayoutResult' } },
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: async (_root, { id, reason }, ctx) => ({
      payout: grant(ctx, await ctx.gateway.holdPayout(String(id), reason)),
    }),
  }),
  releasePayout: t.field({
    type: ReleasePayoutSuccess,
    authScopes: { 'payouts:write': true },
    errors: { types: PAYOUT_ERRORS, directResult: true, union: { name: 'ReleasePayoutResult' } },
    args: { id: t.arg.id({ required: true }), reason: t.arg.string() },
    resolve: async (_root, { id, reason }, ctx) => ({
      payout: grant(ctx, await ctx.gateway.releasePayout(String(id), reason ?? null)),
    }),
  }),
  updatePayout: t.field({
    type: UpdatePayoutSuccess,
    authScopes: { 'payouts:write': true },
    errors: { types: PAYOUT_ERRORS, directResult: true, union: { name: 'UpdatePayoutResult' } },
    args: { input: t.arg({ type: UpdatePayoutInput, required: true }) },
    resolve: async (_root, { input }, ctx) => ({
      payout: grant(ctx, await ctx.gateway.updatePayout({ ...input, id: String(input.id) })),
    }),
  }),
  cancelPayout: t.field({
    type: CancelPayoutSuccess,
    authScopes: { 'payouts:write': true },
    errors: { types: PAYOUT_ERRORS, directResult: true, union: { name: 'CancelPayoutResult' } },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => ({
      payout: grant(ctx, await ctx.gateway.cancelPayout(String(id))),
    }),
  }),
}));
