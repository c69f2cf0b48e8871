import type { PAYOUT_STATUSES } from '../domain/payout.ts';
import { PAYOUT_ACTIONS, PAYOUT_METHODS, SANDBOX_OUTCOMES } from '../domain/payout.ts';
import { PROVIDER_NAMES } from '../domain/provider.ts';
import { VERIFICATION_STATUSES } from '../domain/account.ts';
import { OPERATIONS } from '../providers/types.ts';
import { builder } from './builder.ts';

export const PayoutProviderEnum = builder.enumType('PayoutProvider', { values: PROVIDER_NAMES });

export const PayoutStatusEnum = builder.enumType('PayoutStatus', {
  description: 'The shared status. `Payout.providerStatus` keeps the provider’s own word.',
  values: {
    PENDING: { description: 'Accepted, not yet sent to the bank; usually still cancellable.' },
    ON_HOLD: { description: 'Held by the provider or on request; will not move until released.' },
    PROCESSING: { description: 'Submitted to the banking network.' },
    PAID: {
      description: 'Sent to the destination account (some providers can still report a late failure).',
    },
    FAILED: { description: 'Did not reach the destination; see `failure`.' },
    CANCELED: { description: 'Cancelled before it was sent.' },
    REVERSED: { description: 'Paid, then pulled back.' },
    UNKNOWN: { description: 'The provider reported a status this gateway does not know; never a guess.' },
  } satisfies Record<(typeof PAYOUT_STATUSES)[number], { description: string }>,
});

export const PayoutActionEnum = builder.enumType('PayoutAction', { values: PAYOUT_ACTIONS });
export const PayoutMethodEnum = builder.enumType('PayoutMethod', { values: PAYOUT_METHODS });
export const ProviderOperationEnum = builder.enumType('ProviderOperation', {
  values: Object.fromEntries(
    OPERATIONS.map((op) => [op.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(), { value: op }]),
  ),
});
export const RequirementEnum = builder.enumType('InputRequirement', {
  values: ['REQUIRED', 'OPTIONAL', 'FORBIDDEN'] as const,
});
export const VerificationStatusEnum = builder.enumType('VerificationStatus', {
  description: 'Verification of Payee: how the holder name matched the account at its bank.',
  values: VERIFICATION_STATUSES,
});
export const CustomerTypeEnum = builder.enumType('CustomerType', {
  values: ['INDIVIDUAL', 'BUSINESS'] as const,
});
export const AccountTypeEnum = builder.enumType('BankAccountType', {
  values: ['CHECKING', 'SAVINGS'] as const,
});
export const SandboxOutcomeEnum = builder.enumType('SandboxOutcome', {
  description:
    'What a sandbox payout should end as (sandbox mode only; see `providers { sandboxOutcomes }`).',
  values: SANDBOX_OUTCOMES,
});
export const StatusSourceEnum = builder.enumType('StatusSource', {
  description: 'Where a provider’s payout status changes come from.',
  values: {
    WEBHOOK: { description: 'Signed webhooks from the provider.' },
    POLLING: { description: 'The gateway polls the provider’s API.' },
  },
});
