// The typed errors of the mutation result unions. Each class in ../domain/errors.ts gets an
// object type implementing `Error`; the errors plugin matches thrown instances to them.
import type { GatewayError } from '../domain/errors.ts';
import type { ProviderFailure } from '../services/connection.ts';
import {
  IdempotencyConflictError,
  InsufficientFundsError,
  InvalidStateError,
  NotFoundError,
  PayoutInDoubtError,
  ProviderRejectedError,
  ProviderUnavailableError,
  UnsupportedOperationError,
  ValidationError,
} from '../domain/errors.ts';
import { builder } from './builder.ts';
import { PayoutProviderEnum } from './enums.ts';

export const ErrorInterface = builder.interfaceRef<GatewayError>('Error').implement({
  description: 'Something a client can act on. `code` is stable; `message` is for people.',
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.exposeString('code'),
  }),
});

const plain = [
  [NotFoundError, 'NotFoundError', 'The object does not exist (or is not visible to this key).'],
  [InsufficientFundsError, 'InsufficientFundsError', 'The balance cannot cover the payout.'],
  [InvalidStateError, 'InvalidStateError', 'The action is not allowed in the object’s current status.'],
  [UnsupportedOperationError, 'UnsupportedOperationError', 'The provider cannot do this, or is not enabled.'],
] as const;

for (const [cls, name, description] of plain) {
  builder.objectType(cls as typeof NotFoundError, {
    name,
    description,
    interfaces: [ErrorInterface],
    fields: () => ({}),
  });
}

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'An input is missing or malformed; `field` is its path in the input, e.g. "amount.amount".',
  interfaces: [ErrorInterface],
  fields: (t) => ({ field: t.exposeString('field') }),
});

builder.objectType(ProviderRejectedError, {
  name: 'ProviderRejectedError',
  description: 'The provider refused the request for a reason the shared model has no type for.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    provider: t.field({ type: PayoutProviderEnum, resolve: (e) => e.provider }),
    providerCode: t.exposeString('providerCode'),
  }),
});

builder.objectType(ProviderUnavailableError, {
  name: 'ProviderUnavailableError',
  description:
    'The provider could not be reached or is overloaded. Retrying with the same idempotencyKey is safe.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ provider: t.field({ type: PayoutProviderEnum, resolve: (e) => e.provider }) }),
});

builder.objectType(IdempotencyConflictError, {
  name: 'IdempotencyConflictError',
  description:
    'The idempotencyKey was already used (by this API key, for this mutation) with different input. Nothing was done.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ field: t.exposeString('field') }),
});

builder.objectType(PayoutInDoubtError, {
  name: 'PayoutInDoubtError',
  description:
    'The provider got the create but its answer was lost, and it cannot yet say whether the payout exists. The gateway keeps asking; send the same mutation with the same idempotencyKey again later to get the payout. It never creates a second one.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    provider: t.field({ type: PayoutProviderEnum, resolve: (e) => e.provider }),
    idempotencyKey: t.exposeString('idempotencyKey'),
  }),
});

/** A provider left out of a federated read: the others' results came back without it. */
export const ProviderErrorRef = builder.objectRef<ProviderFailure>('ProviderError').implement({
  description:
    'A provider that failed during a read across providers: the others’ results came back without its part. In a connection its position stays in the cursors, so the next page asks it again from where it stood.',
  fields: (t) => ({
    provider: t.field({ type: PayoutProviderEnum, resolve: (e) => e.provider }),
    code: t.exposeString('code', {
      description:
        'As the typed errors’: PROVIDER_UNAVAILABLE, or PROVIDER_REJECTED (e.g. credentials refused).',
    }),
    message: t.exposeString('message'),
  }),
});

/** `providerErrors` of a federated connection (see services/connection.ts). */
export const providerErrorsField = {
  type: [ProviderErrorRef] as [typeof ProviderErrorRef],
  description:
    'Providers that failed during this read, and why (empty when all answered). Only for reads across providers: a read of one provider named in the arguments fails as a whole.',
};

export const COMMON_ERRORS = [
  ValidationError,
  NotFoundError,
  UnsupportedOperationError,
  ProviderRejectedError,
  ProviderUnavailableError,
];
/** InvalidStateError too: a create whose idempotencyKey is still in flight elsewhere past the wait. */
export const CREATE_ERRORS = [...COMMON_ERRORS, InvalidStateError, IdempotencyConflictError];
export const PAYOUT_ERRORS = [...COMMON_ERRORS, InvalidStateError, InsufficientFundsError];
export const CREATE_PAYOUT_ERRORS = [...CREATE_ERRORS, InsufficientFundsError, PayoutInDoubtError];
