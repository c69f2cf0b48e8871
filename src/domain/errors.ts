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

/** Timeouts, 429s, 5xx, refused connections, an open circuit: retrying with the same idempotency key is safe. */
export class ProviderUnavailableError extends GatewayError {
  readonly code = 'PROVIDER_UNAVAILABLE';
  /**
   * The request may have been carried out: it was sent and then no readable answer came (a
   * timeout, a dropped connection, a 500/502/504, a body that is not what the provider sends). A
   * create that ends so is looked up before anything else happens.
   */
  readonly inDoubt: boolean;
  constructor(
    readonly provider: ProviderName,
    message: string,
    options: { inDoubt?: boolean } = {},
  ) {
    super(message);
    this.inDoubt = options.inDoubt ?? false;
  }
}

/** The idempotencyKey was used before with a different request. */
export class IdempotencyConflictError extends GatewayError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  readonly field = 'idempotencyKey';
}

/**
 * A create was sent, its answer was lost, and the provider could not yet say whether the payout
 * exists. The gateway keeps looking (the poller); repeating the request with the same
 * idempotencyKey returns the payout once it is known, and never creates a second one.
 */
export class PayoutInDoubtError extends GatewayError {
  readonly code = 'PAYOUT_IN_DOUBT';
  constructor(
    readonly provider: ProviderName,
    readonly idempotencyKey: string,
    message: string,
  ) {
    super(message);
  }
}
