// The typed failures a resolver can throw. The errors plugin turns each class into a member of a
// mutation's result union; anything else is an unexpected failure and yoga masks it.
import type { ProviderName } from './provider.ts';

export abstract class GatewayError extends Error {
  abstract readonly code: string;
}

export class ValidationError extends GatewayError {
  readonly code = 'VALIDATION_FAILED';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends GatewayError {
  readonly code = 'NOT_FOUND';
}

export class InsufficientFundsError extends GatewayError {
  readonly code = 'INSUFFICIENT_FUNDS';
}

/** The action exists, but not in the object's current status (cancel after the payout left). */
export class InvalidStateError extends GatewayError {
  constructor(
    message: string,
    readonly code: string = 'INVALID_STATE',
  ) {
    super(message);
  }
}

/** The provider cannot do this at all, or is not enabled in this gateway. */
export class UnsupportedOperationError extends GatewayError {
  constructor(
    message: string,
    readonly code: string = 'UNSUPPORTED_OPERATION',
  ) {
    super(message);
  }
}

export class ProviderRejectedError extends GatewayError {
  readonly code = 'PROVIDER_REJECTED';
  constructor(
    readonly provider: ProviderName,
    readonly providerCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** Timeouts, 429s, 5xx, refused connections: the request may be retried with the same idempotency key. */
export class ProviderUnavailableError extends GatewayError {
  readonly code = 'PROVIDER_UNAVAILABLE';
  constructor(
    readonly provider: ProviderName,
    message: string,
  ) {
    super(message);
  }
}
