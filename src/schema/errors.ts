// The typed errors of the mutation result unions. Each class in ../domain/errors.ts gets an
// object type implementing `Error`; the errors plugin matches thrown instances to them.
import type { GatewayError } from '../domain/errors.ts';
import {
  InsufficientFundsError,
  InvalidStateError,
  NotFoundError,
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

export const COMMON_ERRORS = [
  ValidationError,
  NotFoundError,
  UnsupportedOperationError,
  ProviderRejectedError,
  ProviderUnavailableError,
];
/** InvalidStateError is common too: a create whose idempotencyKey is still in flight is refused with it. */
export const CREATE_ERRORS = [...COMMON_ERRORS, InvalidStateError];
export const PAYOUT_ERRORS = [...CREATE_ERRORS, InsufficientFundsError];
