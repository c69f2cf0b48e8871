// Shared state behind the gateway. Redis serves any number of instances; the in-memory version
// serves exactly one (and says so at boot).

/** What `reserve` found under a key. */
export type Reservation =
  | { kind: 'reserved'; owner: string }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' }
  | { kind: 'completed'; value: string }
  /** The provider call's outcome is unknown (see markInDoubt); `owner` resolves it. */
  | { kind: 'in_doubt'; owner: string; doubt: string };

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
  /**
   * Keeps `owner`'s reservation for `ttlSeconds` with `doubt` (what resolving needs): the provider
   * may or may not have done it, so neither a replay nor a fresh attempt may run blindly. Whoever
   * resolves it (a repeat of the request, the poller) gets `owner` back from `reserve` and ends
   * it with complete or release.
   */
  markInDoubt(
    key: string,
    owner: string,
    fingerprint: string,
    doubt: string,
    ttlSeconds: number,
  ): Promise<void>;
  /** The record under `key` as stored (the poller resolving a doubt), or null. */
  peek(key: string): Promise<IdempotencyRecord | null>;
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

/** One entry of the event log: its cursor (a Redis Stream id, `<ms>-<n>`) and the event as stored. */
export interface LogEntry {
  cursor: string;
  value: string;
}

/** Where committed log entries are announced, on every instance (`detail` is a LogEntry). */
export interface LiveTarget {
  addEventListener(topic: string, listener: (event: CustomEvent<LogEntry>) => void): void;
  removeEventListener(topic: string, listener: (event: CustomEvent<LogEntry>) => void): void;
}

/**
 * The status ledger (one compare-and-set record per payout), the event log it appends to, the
 * poll schedule and the webhook deliveries already processed. Values are opaque strings here; the
 * rules live in events/.
 */
export interface EventState {
  /** Stored ledger values, in order; null for a payout the ledger has not seen. */
  ledger(keys: readonly string[]): Promise<(string | null)[]>;
  /**
   * Stores `value` (JSON with a numeric `sequence`) under `key` only while the stored sequence is
   * still `expected` (0: no record), and in the same atomic step appends `event` to the log and
   * announces it on `topic`. Returns the entry's cursor, or null when another writer got there first.
   */
  commit(key: string, expected: number, value: string, event: string): Promise<string | null>;
  /** Log entries after `cursor` (null: from the oldest kept), oldest first. */
  read(after: string | null, limit: number): Promise<LogEntry[]>;
  /** The newest entry's cursor, or null for an empty log. */
  head(): Promise<string | null>;
  /** True when entries newer than `cursor` were trimmed from the log (a replay would have a gap). */
  trimmedAfter(cursor: string): Promise<boolean>;
  readonly live: LiveTarget;
  readonly topic: string;
  /** Listeners on `live` from this instance (a leak check). */
  listenerCount(): number;

  /**
   * Polls `member` at `dueMs` with its backoff `attempts` (null keeps the current count). `nx`: only
   * when not yet scheduled; `xx`: only when already scheduled (a hint never schedules an unknown
   * payout). While a claim's lease on `member` runs, the poll is not moved before the lease ends
   * (one poller at a time), except by the claimer itself rescheduling after its poll (`release`).
   */
  schedule(
    member: string,
    dueMs: number,
    attempts: number | null,
    options?: { mode?: 'set' | 'nx' | 'xx'; release?: boolean },
  ): Promise<void>;
  unschedule(member: string): Promise<void>;
  /**
   * Members due by `nowMs`, at most `limit`, each claimed for `leaseMs` (moved past its lease) in one
   * atomic step, so that of several instances exactly one polls it; a claimer that dies lets the
   * lease lapse and another instance polls it.
   */
  claimDue(nowMs: number, leaseMs: number, limit: number): Promise<{ member: string; attempts: number }[]>;

  /** Whether a delivery id was processed within its retention. */
  seen(key: string): Promise<boolean>;
  markSeen(key: string, ttlSeconds: number): Promise<void>;
}

/** Compares two log cursors (`<ms>-<n>`) in log order. */
export function compareCursors(a: string, b: string): number {
  const [am, an] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bn] = b.split('-').map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  return an === bn ? 0 : an < bn ? -1 : 1;
}

export const CURSOR = /^\d{1,20}-\d{1,20}$/;

/**
 * Fixed-window hit counters (the per-API-key rate limit), shared by every instance so that a limit
 * holds however many instances serve the key. The rule (how many hits are too many) lives with
 * the caller.
 */
export interface RateLimitStore {
  /**
   * Counts `hits` hits (default 1) on `key` in its current window (which starts at the window's
   * first hit and lasts `windowMs`). Returns the hits counted in the window so far, these included,
   * and the milliseconds until the window ends.
   */
  hit(key: string, windowMs: number, hits?: number): Promise<{ count: number; resetInMs: number }>;
}

export interface StateOptions {
  /** Entries the event log keeps (trimmed beyond, approximately in Redis). */
  logMaxLength?: number;
}

export interface StateStore {
  readonly kind: 'memory' | 'redis';
  readonly idempotency: IdempotencyStore;
  readonly records: RecordStore;
  readonly events: EventState;
  readonly rateLimits: RateLimitStore;
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
  /** Set while the outcome is in doubt (markInDoubt). */
  doubt?: string | null;
}

/** The decision `reserve` makes about an existing record; one rule for both stores. */
export function judge(existing: IdempotencyRecord, fingerprint: string): Reservation {
  if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
  if (existing.value !== null) return { kind: 'completed', value: existing.value };
  if (existing.doubt && existing.owner)
    return { kind: 'in_doubt', owner: existing.owner, doubt: existing.doubt };
  return { kind: 'in_progress' };
}
