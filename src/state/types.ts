// Shared state behind the gateway. Redis serves any number of instances; the in-memory version
// serves exactly one (and says so at boot).

/** What `reserve` found under a key. */
export type Reservation =
  | { kind: 'reserved'; owner: string }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' }
  | { kind: 'completed'; value: string };

export interface IdempotencyStore {
  /**
   * Claims `key` for a request with this `fingerprint`, atomically across instances, for
   * `leaseSeconds`. A key already claimed answers with its state; a key claimed by a different
   * request answers `mismatch`. The winner gets an `owner` token for complete/release.
   */
  reserve(key: string, fingerprint: string, leaseSeconds: number): Promise<Reservation>;
  /**
   * Records the outcome (e.g. the created payout's id) so repeats return it without a provider
   * call. Only while `owner` still holds the key (or nobody does): a lease that lapsed and was
   * taken by another instance is that instance's to finish.
   */
  complete(key: string, owner: string, fingerprint: string, value: string, ttlSeconds: number): Promise<void>;
  /** Lets a failed attempt be retried with the same key; frees only `owner`'s own reservation. */
  release(key: string, owner: string): Promise<void>;
}

/**
 * Named collections of string records the gateway keeps for providers that keep nothing themselves
 * (Token.io's beneficiaries and payout metadata). Listing is newest first, in insertion order.
 */
export interface RecordStore {
  /** Stores `value` under `id`; a new id goes first in the listing, a replaced one keeps its place. */
  put(collection: string, id: string, value: string): Promise<void>;
  get(collection: string, id: string): Promise<string | null>;
  /** One answer per id, in order; null for a missing one. */
  getMany(collection: string, ids: readonly string[]): Promise<(string | null)[]>;
  /** Newest first, starting after `afterId` (null: from the newest); an unknown `afterId` lists nothing. */
  list(
    collection: string,
    afterId: string | null,
    limit: number,
  ): Promise<{ items: { id: string; value: string }[]; hasMore: boolean }>;
}

export interface StateStore {
  readonly kind: 'memory' | 'redis';
  readonly idempotency: IdempotencyStore;
  readonly records: RecordStore;
  /** Every key and value held, as stored: for audits such as "no account number in clear". */
  dump(): Promise<[string, string][]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface IdempotencyRecord {
  fingerprint: string;
  value: string | null;
  /** Who holds the reservation while `value` is null. */
  owner: string | null;
}

/** The decision `reserve` makes about an existing record; one rule for both stores. */
export function judge(existing: IdempotencyRecord, fingerprint: string): Reservation {
  if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
  return existing.value === null ? { kind: 'in_progress' } : { kind: 'completed', value: existing.value };
}
