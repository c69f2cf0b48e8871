// What the resolvers call: input rules every provider shares, gateway-level idempotency, routing
// by global id, and lists across providers. Resolvers stay thin; adapters stay provider-only.
import { createHash } from 'node:crypto';
import type { Balance, BankAccount } from '../domain/account.ts';
import {
  GatewayError,
  InvalidStateError,
  NotFoundError,
  ProviderUnavailableError,
  UnsupportedOperationError,
  ValidationError,
} from '../domain/errors.ts';
import { decodeGlobalId, encodeGlobalId, nodeKey, parseNodeKey } from '../domain/ids.ts';
import { checkMetadata, type BankDetails } from '../domain/inputs.ts';
import { parseAmount } from '../domain/money.ts';
import type { Payout, PayoutAction, PayoutMethod, PayoutStatus, SandboxOutcome } from '../domain/payout.ts';
import { decodePayout, FINAL_STATUSES, movesFromFinal } from '../events/ledger.ts';
import { statusEvents, type DeliveredEvent, type EventFilter } from '../events/subscriptions.ts';
import { StatusTracker } from '../events/tracker.ts';
import type { ProviderName } from '../domain/provider.ts';
import { DISPLAY_NAMES } from '../providers/registry.ts';
import type {
  Logger,
  Operation,
  PayoutFilter,
  PayoutProviderAdapter,
  Requirement,
  UpdatePayoutCommand,
} from '../providers/types.ts';
import type { StateStore } from '../state/types.ts';
import {
  federatedFailure,
  mergedConnection,
  type FederatedConnection,
  type ProviderFailure,
} from './connection.ts';
import { Idempotency } from './idempotency.ts';
import type { AdapterRegistry } from './registry.ts';
import { DEFAULT_ROUTING, route, type Routing, type RoutingTable } from './routing.ts';

/** Record collection: why each payout created here went to its provider. */
const ROUTING = 'routing';

export interface Principal {
  /** A hash of the API key: stable, and safe to use in state keys. */
  id: string;
  scopes: ReadonlySet<string>;
}

export interface CreatePayoutInput {
  /** Absent: routed (services/routing.ts). */
  provider?: ProviderName | null;
  amount?: { amount: string; currency: string } | null;
  destinationId?: string | null;
  sourceId?: string | null;
  description?: string | null;
  method?: PayoutMethod | null;
  metadata?: unknown;
  scheduledFor?: string | null;
  sandboxOutcome?: SandboxOutcome | null;
  idempotencyKey: string;
}

export interface UpdatePayoutInput {
  id: string;
  amount?: { amount: string; currency: string } | null;
  description?: string | null;
  scheduledFor?: string | null;
}

/** The adapter operation behind each lifecycle action. */
const ACTION_OPERATIONS = {
  CANCEL: 'cancelPayout',
  HOLD: 'holdPayout',
  RELEASE: 'releasePayout',
  UPDATE: 'updatePayout',
} as const satisfies Record<PayoutAction, Operation>;

export interface CreateBankAccountInput extends BankDetails {
  provider: ProviderName;
  currency: string;
  customerType?: 'INDIVIDUAL' | 'BUSINESS' | null;
  accountType?: 'CHECKING' | 'SAVINGS' | null;
  idempotencyKey: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Newest first; payouts of different providers created at the same instant by (global) id. */
const newestFirst = (a: Payout, b: Payout) =>
  a.createdAt > b.createdAt ||
  (a.createdAt.getTime() === b.createdAt.getTime() &&
    encodeGlobalId('Payout', a.provider, a.providerPayoutId) <
      encodeGlobalId('Payout', b.provider, b.providerPayoutId));

export interface BalanceList {
  nodes: Balance[];
  providerErrors: ProviderFailure[];
}

export interface ServiceOptions {
  /**
   * How long a create in flight holds its key: longer than a provider call with all its retries
   * normally takes, short enough that a crashed instance does not lock the key for a day. Should a
   * lease still lapse, the next holder sends the same provider key, which the provider deduplicates,
   * and neither instance can finish or free the other's reservation.
   */
  leaseSeconds: number;
  /** How long a create's outcome is kept under its idempotencyKey (GATEWAY_IDEMPOTENCY_RETENTION_HOURS). */
  retentionSeconds: number;
  /** How long after a lost create answer a provider's "no such payout" is believed (see Idempotency). */
  doubtSettleMs: number;
  /**
   * Digests a request for its idempotency fingerprint. Keyed (the vault's HMAC) in the app: a
   * request holds account numbers, and an unkeyed hash of one is open to brute force.
   */
  digest?: (text: string) => string;
  /** Where audit events (unmasked account numbers) and dropped status observations go. */
  log: Logger;
  /** Sandbox mode: simulators behind every adapter, so `sandboxOutcome` is allowed. */
  sandbox?: boolean;
  /** Per currency, the providers a payout without one is routed to (GATEWAY_ROUTING). */
  routing?: RoutingTable;
  /** Multiplies every provider's poll cadence (GATEWAY_POLL_SCALE). */
  pollScale?: number;
  now?: () => number;
}

export class GatewayService {
  /** Every observed status goes through its ledger (events/tracker.ts). */
  readonly tracker: StatusTracker;
  /** Creates at most once per key; also resolves creates in doubt for the poller. */
  readonly idempotency: Idempotency;
  private readonly now: () => number;

  constructor(
    readonly registry: AdapterRegistry,
    private readonly state: StateStore,
    private readonly options: ServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.tracker = new StatusTracker({
      events: state.events,
      capabilities: (p) => registry.get(p).capabilities,
      pollScale: options.pollScale ?? 1,
      log: options.log,
      now: this.now,
    });
    this.idempotency = new Idempotency({
      store: state.idempotency,
      events: state.events,
      digest: options.digest ?? sha256,
      leaseSeconds: options.leaseSeconds,
      retentionSeconds: options.retentionSeconds,
      settleMs: options.doubtSettleMs,
      find: async (provider, command) => {
        const find = registry.get(provider).findCreatedPayout;
        if (!find) return null;
        return find(command);
      },
      found: (payout) => this.record(payout),
      log: options.log,
      now: this.now,
    });
  }

  /** A client's global id of `type`, as provider and provider id. */
  refOf(globalId: string, type: string): { provider: ProviderName; id: string } {
    return decodeGlobalId(globalId, [type], 'id');
  }

  /** A relay node key ("CASAPAY:po_…") as provider and provider id. */
  refOfKey(key: string): { provider: ProviderName; id: string } {
    return parseNodeKey(key);
  }

  /** Reads answer "not found" with null, as GraphQL clients expect of a nullable lookup. */
  async findOrNull<T>(load: () => Promise<T>): Promise<T | null> {
    try {
      return await load();
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** Resolves a client id of `type` to the provider's id, checking it belongs to `provider`. */
  private ref(globalId: string, type: string, field: string, provider: ProviderName): string {
    const ref = decodeGlobalId(globalId, [type], field);
    if (ref.provider !== provider) {
      throw new ValidationError(
        field,
        `${field} belongs to ${DISPLAY_NAMES[ref.provider]}, not ${DISPLAY_NAMES[provider]}.`,
      );
    }
    return ref.id;
  }

  private requirement(
    adapter: PayoutProviderAdapter,
    field: string,
    rule: Requirement,
    given: boolean,
    why: string,
  ) {
    const name = DISPLAY_NAMES[adapter.name];
    if (rule === 'REQUIRED' && !given) throw new ValidationError(field, `${name} requires ${field}. ${why}`);
    if (rule === 'FORBIDDEN' && given)
      throw new ValidationError(field, `${name} does not take ${field}. ${why}`);
  }

  /**
   * Creates a payout at the provider the input names, or routes it (services/routing.ts). `clientIp`
   * is the caller's address, for providers that record it; not part of the request's identity.
   */
  async createPayout(
    principal: Principal,
    input: CreatePayoutInput,
    clientIp: string | null = null,
  ): Promise<Payout> {
    const { provider, routing, pickSource } = route(
      this.registry,
      this.options.routing ?? DEFAULT_ROUTING,
      input,
    );
    const create = this.registry.operation(provider, 'createPayout');
    const adapter = this.registry.get(provider);
    const name = DISPLAY_NAMES[provider];
    const caps = adapter.capabilities;
    const rules = caps.createPayout;
    // Where the gateway chose the provider, it also chooses a source the provider needs.
    const pick = pickSource && rules.sourceId === 'REQUIRED' && !input.sourceId;
    this.requirement(adapter, 'amount', rules.amount, Boolean(input.amount), '');
    this.requirement(
      adapter,
      'destinationId',
      rules.destinationId,
      Boolean(input.destinationId),
      caps.notes[0] ?? '',
    );
    if (!pick)
      this.requirement(adapter, 'sourceId', rules.sourceId, Boolean(input.sourceId), caps.notes[0] ?? '');
    this.requirement(adapter, 'scheduledFor', rules.scheduledFor, Boolean(input.scheduledFor), '');
    const amount = input.amount ? parseAmount(input.amount.amount, input.amount.currency, 'amount') : null;
    if (amount && !caps.currencies.includes(amount.currency)) {
      throw new ValidationError(
        'amount.currency',
        `${name} pays out in ${caps.currencies.join(', ')}, not ${amount.currency}.`,
      );
    }
    if (pick && !amount) {
      throw new ValidationError(
        'sourceId',
        `${name} requires sourceId; without an amount there is no currency to choose its balance by.`,
      );
    }
    if (input.sandboxOutcome) {
      if (!this.options.sandbox) {
        throw new ValidationError('sandboxOutcome', 'sandboxOutcome is for sandbox mode only.');
      }
      if (!caps.sandboxOutcomes.includes(input.sandboxOutcome)) {
        throw new ValidationError(
          'sandboxOutcome',
          `${name}’s sandbox can end a payout ${caps.sandboxOutcomes.join(', ')}, not ${input.sandboxOutcome}.`,
        );
      }
    }
    if (input.method && !rules.methods.includes(input.method)) {
      throw new ValidationError('method', `${name} does not offer ${input.method} payouts.`);
    }
    const command = {
      amount,
      destinationId: input.destinationId
        ? this.ref(input.destinationId, 'BankAccount', 'destinationId', provider)
        : null,
      sourceId: input.sourceId ? this.ref(input.sourceId, 'Balance', 'sourceId', provider) : null,
      description: input.description ?? null,
      method: input.method ?? null,
      metadata: checkMetadata(input.metadata),
      ...(input.scheduledFor ? { scheduledFor: input.scheduledFor } : {}),
      ...(input.sandboxOutcome ? { sandboxOutcome: input.sandboxOutcome } : {}),
    };
    // The request as the client sent it (global ids, the provider only if it named one).
    const request = {
      ...command,
      provider: input.provider ?? null,
      destinationId: input.destinationId ?? null,
      sourceId: input.sourceId ?? null,
    };
    let sent = command;
    const withKey = (idempotencyKey: string) => ({ ...sent, clientIp, idempotencyKey });
    let fresh = false;
    const payout = await this.idempotency.once({
      principalId: principal.id,
      operation: 'createPayout',
      provider,
      clientKey: input.idempotencyKey,
      request,
      run: async (key) => {
        fresh = true;
        // Only for a create that really runs: a repeat is answered without asking the provider.
        if (pick) sent = { ...command, sourceId: await this.sourceFor(adapter, amount!.currency, routing) };
        return create(withKey(key));
      },
      command: withKey,
      encode: (p) => JSON.stringify(p),
      // A repeat is answered from the stored result and the ledger: no provider call.
      decode: (stored) => this.tracker.current(decodePayout(stored)),
    });
    if (fresh) {
      await this.record(payout);
      await this.remember(payout, routing);
    }
    return payout;
  }

  /** The provider's one balance in `currency`, as the source of a payout the gateway routed. */
  private async sourceFor(
    adapter: PayoutProviderAdapter,
    currency: string,
    routing: Routing,
  ): Promise<string> {
    const name = DISPLAY_NAMES[adapter.name];
    const found = (await this.registry.operation(adapter.name, 'listBalances')()).filter(
      (b) => b.currency === currency,
    );
    if (found.length !== 1) {
      throw new ValidationError(
        'sourceId',
        `${name} requires sourceId: it has ${found.length || 'no'} ${currency} balance${found.length === 1 ? '' : 's'}, so the gateway cannot choose one.`,
      );
    }
    routing.reason += ` Source: its ${currency} balance.`;
    return found[0]!.providerBalanceId;
  }

  /** Why the gateway chose this payout's provider, for `Payout.routing` (kept like the ledger). */
  private async remember(payout: Payout, routing: Routing): Promise<void> {
    try {
      await this.state.records.put(
        ROUTING,
        nodeKey(payout.provider, payout.providerPayoutId),
        JSON.stringify(routing),
      );
    } catch (error) {
      this.options.log.error(
        { payout: nodeKey(payout.provider, payout.providerPayoutId), reason: (error as Error).message },
        'routing: a payout’s routing could not be recorded',
      );
    }
  }

  /** Routing of payouts by node key, null for one not created through this gateway (DataLoader). */
  async routings(keys: readonly string[]): Promise<(Routing | null)[]> {
    const stored = await this.state.records.getMany(ROUTING, keys);
    return stored.map((s) => (s ? (JSON.parse(s) as Routing) : null));
  }

  /**
   * The gateway's own change, into the ledger. The provider has made it already: a state failure
   * here is logged, not reported as a failed mutation (a webhook or the next read records it).
   */
  private async record(payout: Payout): Promise<void> {
    try {
      await this.tracker.observe([payout], 'MUTATION', this.now());
    } catch (error) {
      this.options.log.error(
        { payout: nodeKey(payout.provider, payout.providerPayoutId), reason: (error as Error).message },
        'status ledger: a mutation’s change could not be recorded',
      );
    }
  }

  async createBankAccount(
    principal: Principal,
    input: CreateBankAccountInput,
    clientIp: string | null = null,
  ): Promise<BankAccount> {
    const create = this.registry.operation(input.provider, 'createBankAccount');
    const adapter = this.registry.get(input.provider);
    if (!input.holderName.trim()) throw new ValidationError('holderName', 'holderName must not be empty.');
    if (!adapter.capabilities.currencies.includes(input.currency)) {
      throw new ValidationError(
        'currency',
        `${DISPLAY_NAMES[adapter.name]} pays out in ${adapter.capabilities.currencies.join(', ')}, not ${input.currency}.`,
      );
    }
    const command = {
      holderName: input.holderName.trim(),
      country: input.country,
      currency: input.currency,
      sortCode: input.sortCode ?? null,
      accountNumber: input.accountNumber ?? null,
      iban: input.iban ?? null,
      bic: input.bic ?? null,
      routingNumber: input.routingNumber ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      customerType: input.customerType ?? null,
      accountType: input.accountType ?? null,
      metadata: checkMetadata(input.metadata),
    };
    return this.idempotency.once({
      principalId: principal.id,
      operation: 'createBankAccount',
      provider: adapter.name,
      clientKey: input.idempotencyKey,
      request: { ...command, provider: adapter.name },
      run: (idempotencyKey) => create({ ...command, clientIp, idempotencyKey }),
      // Only the id is kept (the holder's name stays with the provider); a repeat reads it again.
      encode: (b) => b.providerBankAccountId,
      decode: (id) => this.registry.operation(adapter.name, 'getBankAccount')(id),
    });
  }

  /**
   * A lifecycle action on a payout, only where its provider can do it (UnsupportedOperationError)
   * and only in the statuses the provider allows it in (InvalidStateError naming the status): the
   * same rules `allowedActions` shows. The provider stays the last word: a payout that moved since
   * it was read is refused by the provider, mapped to InvalidStateError by its adapter.
   */
  private async act(
    globalId: string,
    action: PayoutAction,
    run: (provider: ProviderName, id: string) => Promise<Payout>,
  ): Promise<Payout> {
    const ref = this.refOf(globalId, 'Payout');
    const op = ACTION_OPERATIONS[action];
    this.registry.operation(ref.provider, op);
    const name = DISPLAY_NAMES[ref.provider];
    const allowed = this.registry.get(ref.provider).capabilities.payoutActions[action];
    if (!allowed) throw new UnsupportedOperationError(`${name} does not support ${op}.`);
    const current = await this.registry.operation(ref.provider, 'getPayout')(ref.id);
    if (!allowed.includes(current.status)) {
      throw new InvalidStateError(
        `${name} allows ${op} only while a payout is ${allowed.join(' or ')}; this one is ${current.status} (${current.providerStatus}).`,
      );
    }
    const changed = await run(ref.provider, ref.id);
    await this.record(changed);
    return changed;
  }

  /** payoutStatusChanged: see events/subscriptions.ts. */
  statusEvents(filter: EventFilter, after: string | null): Promise<AsyncIterable<DeliveredEvent>> {
    return statusEvents(this.state.events, filter, after);
  }

  /**
   * Sandbox only: steps the payout along its sandbox outcome at the provider's simulator (or fails
   * it, where the simulator can) until it has `target`. Records nothing itself: the simulator's
   * webhook, or the poller, brings the change in as it would in live mode.
   */
  async simulatePayoutStatus(globalId: string, target: PayoutStatus): Promise<Payout> {
    if (!this.options.sandbox) {
      throw new UnsupportedOperationError('simulatePayoutStatus is for sandbox mode only.');
    }
    const ref = this.refOf(globalId, 'Payout');
    const name = DISPLAY_NAMES[ref.provider];
    const drive = this.registry.get(ref.provider).sandbox;
    if (!drive) throw new UnsupportedOperationError(`${name}’s simulator cannot move payouts.`);
    let payout = await this.registry.operation(ref.provider, 'getPayout')(ref.id);
    const stuck = (why: string) =>
      new InvalidStateError(
        `${name}’s simulator cannot take this payout to ${target}: it is ${payout.status} (${payout.providerStatus}) ${why}`,
      );
    for (let steps = 0; payout.status !== target; steps++) {
      const late = this.registry.get(ref.provider).capabilities.terminalMoves;
      if (FINAL_STATUSES.has(payout.status) && !movesFromFinal(late, payout.status, target))
        throw stuck('and that is final.');
      if (steps >= 8) throw stuck('after 8 steps of its sandbox outcome.');
      try {
        payout = await (target === 'FAILED' && drive.fail ? drive.fail(ref.id) : drive.advance(ref.id));
      } catch (error) {
        if (error instanceof GatewayError && !(error instanceof ProviderUnavailableError))
          throw stuck(
            `and its sandbox outcome goes no further (${error.message}). Create it with a sandboxOutcome that leads there.`,
          );
        throw error;
      }
    }
    return payout;
  }

  cancelPayout(globalId: string): Promise<Payout> {
    return this.act(globalId, 'CANCEL', (p, id) => this.registry.operation(p, 'cancelPayout')(id));
  }

  holdPayout(globalId: string, reason: string): Promise<Payout> {
    if (!reason.trim()) throw new ValidationError('reason', 'A hold needs a reason.');
    return this.act(globalId, 'HOLD', (p, id) => this.registry.operation(p, 'holdPayout')(id, reason.trim()));
  }

  releasePayout(globalId: string, reason: string | null): Promise<Payout> {
    return this.act(globalId, 'RELEASE', (p, id) =>
      this.registry.operation(p, 'releasePayout')(id, reason?.trim() || null),
    );
  }

  updatePayout(input: UpdatePayoutInput): Promise<Payout> {
    const changes: UpdatePayoutCommand = {};
    if (input.amount) changes.amount = parseAmount(input.amount.amount, input.amount.currency, 'amount');
    if (input.description !== null && input.description !== undefined)
      changes.description = input.description;
    if (input.scheduledFor) changes.scheduledFor = input.scheduledFor;
    if (!Object.keys(changes).length) {
      throw new ValidationError('input', 'Give at least one of amount, description and scheduledFor.');
    }
    return this.act(input.id, 'UPDATE', (p, id) => this.registry.operation(p, 'updatePayout')(id, changes));
  }

  /** The full account number, logged as an audit event (who, which account; never the number). */
  async unmaskAccountNumber(principal: Principal, account: BankAccount): Promise<string | null> {
    const adapter = this.registry.get(account.provider);
    if (typeof adapter.unmaskAccountNumber !== 'function') {
      throw new UnsupportedOperationError(
        `${DISPLAY_NAMES[account.provider]} cannot unmask account numbers.`,
      );
    }
    const number = await adapter.unmaskAccountNumber(account.providerBankAccountId);
    this.options.log?.info(
      {
        audit: 'bank_account.unmask',
        principal: principal.id,
        provider: account.provider,
        bankAccountId: account.providerBankAccountId,
      },
      'account number unmasked',
    );
    return number;
  }

  /**
   * Node keys ("CASAPAY:po_…") to payouts, one result or Error per key, in order (DataLoader). A
   * provider that reads many payouts in one call (Token.io) gets one call per batch.
   */
  async loadPayouts(keys: readonly string[]): Promise<(Payout | Error)[]> {
    const started = this.now();
    // The ledger is read during the provider call, not after it (StatusTracker.entries). Should that
    // read fail, observe reads again as before: a provider's error or a not-found stays the answer.
    const [results, known] = await Promise.all([
      this.fetchPayouts(keys),
      this.tracker.entries(keys).catch(() => undefined),
    ]);
    await this.tracker.observe(
      results.filter((r): r is Payout => !(r instanceof Error)),
      'POLL',
      started,
      known,
    );
    return results;
  }

  private async fetchPayouts(keys: readonly string[]): Promise<(Payout | Error)[]> {
    const results: (Payout | Error)[] = new Array(keys.length);
    const batches = new Map<ProviderName, { at: number[]; ids: string[] }>();
    const singles: number[] = [];
    for (const [i, key] of keys.entries()) {
      try {
        const { provider, id } = parseNodeKey(key);
        if (typeof this.registry.find(provider)?.getPayouts !== 'function') {
          singles.push(i);
          continue;
        }
        const batch = batches.get(provider) ?? { at: [], ids: [] };
        batch.at.push(i);
        batch.ids.push(id);
        batches.set(provider, batch);
      } catch (error) {
        results[i] = error as Error;
      }
    }
    const each = await this.loadEach(
      singles.map((i) => keys[i]!),
      'getPayout',
    );
    singles.forEach((i, n) => (results[i] = each[n]!));
    await Promise.all(
      [...batches].map(async ([provider, { at, ids }]) => {
        const found = await this.registry.get(provider).getPayouts!(ids).catch((error: unknown) =>
          ids.map(() => (error instanceof Error ? error : new Error(String(error)))),
        );
        at.forEach((i, n) => (results[i] = found[n]!));
      }),
    );
    return results;
  }

  loadBankAccounts(keys: readonly string[]): Promise<(BankAccount | Error)[]> {
    return this.loadEach(keys, 'getBankAccount');
  }

  private loadEach<O extends 'getPayout' | 'getBankAccount'>(keys: readonly string[], op: O) {
    return Promise.all(
      keys.map(async (key) => {
        try {
          const { provider, id } = parseNodeKey(key);
          return await this.registry.operation(provider, op)(id);
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    ) as Promise<(Awaited<ReturnType<NonNullable<PayoutProviderAdapter[O]>>> | Error)[]>;
  }

  async listPayouts(
    first: number | null | undefined,
    after: string | null | undefined,
    filter: PayoutFilter & { provider?: ProviderName | null },
    /** Set when the query reads the payouts' destinations: gets those a provider sent with its list. */
    destinations?: (account: BankAccount) => void,
  ): Promise<FederatedConnection<Payout>> {
    if (filter.createdAfter && filter.createdBefore && filter.createdAfter >= filter.createdBefore) {
      throw new ValidationError('filter.createdBefore', 'createdBefore must be later than createdAfter.');
    }
    const sources = this.registry.supporting('listPayouts', filter.provider).map((a) => ({
      provider: a.name,
      fetch: (afterId: string | null, limit: number) =>
        a.listPayouts!({ afterId, limit, filter, ...(destinations ? { destinations } : {}) }),
    }));
    const started = this.now();
    const connection = await mergedConnection(sources, first, after, {
      idOf: (p) => p.providerPayoutId,
      before: newestFirst,
      // A provider's later items are no newer than the last one it was read up to.
      ahead: (p, frontier) => p.createdAt > frontier.createdAt,
      partial: !filter.provider,
    });
    await this.tracker.observe(
      connection.edges.map((e) => e.node),
      'POLL',
      started,
    );
    return connection;
  }

  listBankAccounts(
    provider: ProviderName | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<FederatedConnection<BankAccount>> {
    const sources = this.registry.supporting('listBankAccounts', provider).map((a) => ({
      provider: a.name,
      fetch: (afterId: string | null, limit: number) => a.listBankAccounts!({ afterId, limit }),
    }));
    // Bank accounts have no common creation time: providers follow each other in registry order.
    return mergedConnection(sources, first, after, {
      idOf: (b) => b.providerBankAccountId,
      before: () => false,
      partial: !provider,
    });
  }

  /** Every provider asked at once; without `provider`, one that fails is named in `providerErrors`. */
  async balances(provider: ProviderName | null | undefined): Promise<BalanceList> {
    const adapters = this.registry.supporting('listBalances', provider);
    const settled = await Promise.allSettled(adapters.map((a) => a.listBalances!()));
    const nodes: Balance[] = [];
    const providerErrors: ProviderFailure[] = [];
    for (const [i, result] of settled.entries()) {
      if (result.status === 'fulfilled') nodes.push(...result.value);
      else providerErrors.push(federatedFailure(result.reason, adapters[i]!.name, !provider));
    }
    return { nodes, providerErrors };
  }
}
