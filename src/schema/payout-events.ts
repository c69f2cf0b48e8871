// Live status: the payoutStatusChanged subscription, its event type, and the sandbox's
// simulatePayoutStatus, which moves a payout at the provider's simulator so that the real path
// (signed webhook or poll → ledger → event log → subscribers) carries the change.
import { decodeGlobalId } from '../domain/ids.ts';
import type { EventSource } from '../events/ledger.ts';
import type { DeliveredEvent } from '../events/subscriptions.ts';
import { builder, grant } from './builder.ts';
import { PayoutProviderEnum, PayoutStatusEnum } from './enums.ts';
import { PAYOUT_ERRORS } from './errors.ts';
import { PayoutRef } from './payout.ts';

const PayoutEventSourceEnum = builder.enumType('PayoutEventSource', {
  description: 'How the gateway learned of a status change.',
  values: {
    WEBHOOK: { description: 'A verified webhook from the provider.' },
    POLL: { description: 'The provider’s API, read by the poller or by a query.' },
    MUTATION: { description: 'The gateway’s own createPayout, cancelPayout, holdPayout or releasePayout.' },
  } satisfies Record<EventSource, { description: string }>,
});

const PayoutStatusEventRef = builder.objectRef<DeliveredEvent>('PayoutStatusEvent').implement({
  description: 'One change of a payout’s status, recorded once by the status ledger.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', {
      description: 'Pass as `after` to resume: every later event is replayed first, then live ones follow.',
    }),
    payout: t.field({
      type: PayoutRef,
      description: 'The payout as it was at this change.',
      resolve: (e) => e.payout,
    }),
    previousStatus: t.field({
      type: PayoutStatusEnum,
      nullable: true,
      description: 'Null for the first status the gateway recorded.',
      resolve: (e) => e.previousStatus,
    }),
    status: t.field({ type: PayoutStatusEnum, resolve: (e) => e.status }),
    sequence: t.exposeInt('sequence', {
      description: 'The payout’s own change counter: 1 for its first recorded status, one more per change.',
    }),
    occurredAt: t.field({
      type: 'DateTime',
      description: 'When the provider says the change happened, else when the gateway observed it.',
      resolve: (e) => new Date(e.occurredAt),
    }),
    source: t.field({ type: PayoutEventSourceEnum, resolve: (e) => e.source }),
  }),
});

builder.subscriptionType({});

builder.subscriptionField('payoutStatusChanged', (t) =>
  t.field({
    type: PayoutStatusEventRef,
    description:
      'Status changes as they are recorded: of one payout (`id`), one provider, or all. With `after`, every matching event since that cursor first, in order, then live ones.',
    authScopes: { 'payouts:read': true },
    args: {
      id: t.arg.id(),
      provider: t.arg({ type: PayoutProviderEnum }),
      after: t.arg.string({ description: 'An event’s cursor.' }),
    },
    subscribe: (_root, { id, provider, after }, ctx) => {
      const ref = id ? decodeGlobalId(String(id), ['Payout'], 'id') : null;
      return ctx.gateway.statusEvents(
        { provider: ref?.provider ?? provider ?? null, providerPayoutId: ref?.id ?? null },
        after ?? null,
      );
    },
    resolve: (event) => event,
  }),
);

const SimulatePayoutStatusSuccess = builder.simpleObject('SimulatePayoutStatusSuccess', {
  fields: (t) => ({
    payout: t.field({ type: PayoutRef, description: 'The payout as the simulator left it.' }),
  }),
});

builder.mutationField('simulatePayoutStatus', (t) =>
  t.field({
    type: SimulatePayoutStatusSuccess,
    description:
      'Sandbox mode only: asks the provider’s simulator to move the payout to `status` along its sandbox outcome. The change then arrives like a real one (a signed webhook, or Token.io’s poll) and reaches `payoutStatusChanged`. An UnsupportedOperationError in live mode.',
    authScopes: { 'payouts:write': true },
    errors: { types: PAYOUT_ERRORS, directResult: true, union: { name: 'SimulatePayoutStatusResult' } },
    args: {
      id: t.arg.id({ required: true }),
      status: t.arg({ type: PayoutStatusEnum, required: true }),
    },
    resolve: async (_root, { id, status }, ctx) => ({
      payout: grant(ctx, await ctx.gateway.simulatePayoutStatus(String(id), status)),
    }),
  }),
);
