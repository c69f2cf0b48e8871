import { PAYOUT_ACTIONS, type PayoutAction, type PayoutStatus } from '../domain/payout.ts';
import { PROVIDER_NAMES, type ProviderName } from '../domain/provider.ts';
import { DISPLAY_NAMES, PROVIDER_MODULES } from '../providers/registry.ts';
import type { TransportHealth } from '../providers/http.ts';
import type { ProviderCapabilities } from '../providers/types.ts';
import { builder } from './builder.ts';
import {
  PayoutActionEnum,
  PayoutMethodEnum,
  PayoutProviderEnum,
  PayoutStatusEnum,
  ProviderOperationEnum,
  RequirementEnum,
  SandboxOutcomeEnum,
  StatusSourceEnum,
} from './enums.ts';

interface ProviderInfo {
  provider: ProviderName;
  enabled: boolean;
  capabilities: ProviderCapabilities | null;
  health: TransportHealth | null;
}

const CircuitStateEnum = builder.enumType('CircuitState', {
  description: 'The circuit breaker in front of a provider.',
  values: {
    CLOSED: { description: 'Calls go through.' },
    OPEN: { description: 'The provider kept failing: calls fail at once, without reaching it.' },
    HALF_OPEN: { description: 'The next call is let through to test whether the provider recovered.' },
  } as const,
});

const FailureRef = builder.simpleObject('ProviderFailure', {
  fields: (t) => ({ at: t.field({ type: 'DateTime' }), reason: t.string() }),
});

const HealthRef = builder.objectRef<TransportHealth>('ProviderHealth').implement({
  description: 'How calls to a provider have gone lately, as this gateway instance saw them.',
  fields: (t) => ({
    circuit: t.field({ type: CircuitStateEnum, resolve: (h) => h.circuit }),
    inFlight: t.exposeInt('inFlight', { description: 'Requests waiting for the provider’s answer now.' }),
    samples: t.exposeInt('samples', { description: 'Attempts the figures below cover (the last 200).' }),
    failures: t.exposeInt('failures', { description: 'Of those, attempts with no answer or a 5xx.' }),
    latencyP50Ms: t.exposeInt('latencyP50Ms', { nullable: true }),
    latencyP95Ms: t.exposeInt('latencyP95Ms', { nullable: true }),
    lastFailure: t.field({ type: FailureRef, nullable: true, resolve: (h) => h.lastFailure }),
  }),
});

const ActionRule = builder.simpleObject('PayoutActionRule', {
  description: 'An action and the statuses it is allowed in.',
  fields: (t) => ({
    action: t.field({ type: PayoutActionEnum }),
    statuses: t.field({ type: [PayoutStatusEnum] }),
  }),
});

const CreatePayoutRules = builder
  .objectRef<ProviderCapabilities['createPayout']>('CreatePayoutRules')
  .implement({
    description: 'How createPayout’s inputs apply to this provider.',
    fields: (t) => ({
      amount: t.field({ type: RequirementEnum, resolve: (r) => r.amount }),
      sourceId: t.field({ type: RequirementEnum, resolve: (r) => r.sourceId }),
      destinationId: t.field({ type: RequirementEnum, resolve: (r) => r.destinationId }),
      scheduledFor: t.field({ type: RequirementEnum, resolve: (r) => r.scheduledFor }),
      methods: t.field({ type: [PayoutMethodEnum], resolve: (r) => [...r.methods] }),
    }),
  });

const ProviderInfoRef = builder.objectRef<ProviderInfo>('ProviderInfo').implement({
  description: 'What a provider can do through this gateway, and whether it is enabled here.',
  fields: (t) => ({
    provider: t.field({ type: PayoutProviderEnum, resolve: (p) => p.provider }),
    displayName: t.string({ resolve: (p) => DISPLAY_NAMES[p.provider] }),
    enabled: t.boolean({
      description: 'Configured and usable in this gateway instance.',
      resolve: (p) => p.enabled,
    }),
    implemented: t.boolean({
      description: 'This gateway version has an adapter for it.',
      resolve: (p) => !!p.capabilities,
    }),
    operations: t.field({
      type: [ProviderOperationEnum],
      resolve: (p) => [...(p.capabilities?.operations ?? [])],
    }),
    currencies: t.field({ type: ['CurrencyCode'], resolve: (p) => [...(p.capabilities?.currencies ?? [])] }),
    payoutActions: t.field({
      type: [ActionRule],
      resolve: (p) =>
        PAYOUT_ACTIONS.flatMap((action: PayoutAction) => {
          const statuses = p.capabilities?.payoutActions[action];
          return statuses ? [{ action, statuses: [...statuses] as PayoutStatus[] }] : [];
        }),
    }),
    createPayout: t.field({
      type: CreatePayoutRules,
      nullable: true,
      resolve: (p) => p.capabilities?.createPayout ?? null,
    }),
    bankAccounts: t.boolean({
      description: 'Bank accounts can be listed and read.',
      resolve: (p) => p.capabilities?.operations.includes('listBankAccounts') ?? false,
    }),
    balances: t.boolean({ resolve: (p) => p.capabilities?.operations.includes('listBalances') ?? false }),
    webhooks: t.boolean({ resolve: (p) => p.capabilities?.webhooks ?? false }),
    sandboxOutcomes: t.field({
      type: [SandboxOutcomeEnum],
      description: 'Outcomes its sandbox simulator can drive a payout to (CreatePayoutInput.sandboxOutcome).',
      resolve: (p) => [...(p.capabilities?.sandboxOutcomes ?? [])],
    }),
    statusSource: t.field({
      type: StatusSourceEnum,
      nullable: true,
      description: 'Where status changes come from; null for a provider this gateway does not implement.',
      resolve: (p) => p.capabilities?.statusSource ?? null,
    }),
    health: t.field({
      type: HealthRef,
      nullable: true,
      description: 'The circuit breaker and recent latency; null while the provider is not enabled.',
      resolve: (p) => p.health,
    }),
    notes: t.stringList({
      resolve: (p) => [...(p.capabilities?.notes ?? ['Not yet available in this gateway.'])],
    }),
  }),
});

builder.queryField('providers', (t) =>
  t.field({
    type: [ProviderInfoRef],
    description: 'Every provider the schema names, with its capabilities. Needs no scope beyond a valid key.',
    resolve: (_root, _args, ctx) =>
      PROVIDER_NAMES.map((provider) => ({
        provider,
        enabled: Boolean(ctx.gateway.registry.find(provider)),
        health: ctx.gateway.registry.find(provider)?.health() ?? null,
        // An enabled adapter knows what its configuration allows (Mollie without an access token).
        capabilities:
          ctx.gateway.registry.find(provider)?.capabilities ??
          PROVIDER_MODULES.find((m) => m.name === provider)?.capabilities ??
          null,
      })),
  }),
);
