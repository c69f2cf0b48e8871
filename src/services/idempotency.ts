// Gateway idempotency for creates: one provider call per (client, operation, idempotencyKey),
// whatever the number of instances, repeats and concurrent duplicates, and no second payout when a
// create's answer was lost. Repeats of a key in flight wait for its outcome and share it (on this
// instance through a promise, across instances by watching the state store).
import { createHash } from 'node:crypto';
import {
  IdempotencyConflictError,
  InvalidStateError,
  PayoutInDoubtError,
  ProviderUnavailableError,
  ValidationError,
} from '../domain/errors.ts';
import type { Payout } from '../domain/payout.ts';
import type { ProviderName } from '../domain/provider.ts';
import { DISPLAY_NAMES } from '../providers/registry.ts';
import type { CreatePayoutCommand, Logger } from '../providers/types.ts';
import type { EventState, IdempotencyStore } from '../state/types.ts';
import { canonicalJson } from '../util/json.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll-schedule members of creates in doubt, beside the payouts' node keys. */
export const DOUBT_MEMBER = 'doubt:';

/** What resolving a create in doubt needs, kept in its idempotency record. */
interface Doubt {
  provider: ProviderName;
  /** The command as sent, provider idempotency key included. */
  command: CreatePayoutCommand;
  /** When the last attempt was sent (ms): a lookup that finds nothing soon after proves nothing. */
  sentAt: number;
  /** The client's own key, for the error it gets. */
  clientKey: string;
}

export interface OnceOptions {
  store: IdempotencyStore;
  events: EventState;
  /** Keyed digest of a request (the vault's HMAC): requests hold account numbers. */
  digest: (text: string) => string;
  /** How long a create in flight holds its key (see ServiceOptions.leaseSeconds). */
  leaseSeconds: number;
  /** How long a finished (or in-doubt) create is remembered under its key. */
  retentionSeconds: number;
  /**
   * How long after a lost answer "the provider has no such payout" is believed: by then a create
   * it was still working on would show. Also the first wait before the poller looks.
   */
  settleMs: number;
  /** The provider lookup behind a doubt (adapter.findCreatedPayout). */
  find(provider: ProviderName, command: CreatePayoutCommand): Promise<Payout | null>;
  /** A payout found for a doubt goes into the status ledger (and to subscribers). */
  found(payout: Payout): Promise<void>;
  log: Logger;
  now: () => number;
}

export interface OnceRequest<T> {
  principalId: string;
  operation: 'createPayout' | 'createBankAccount';
  provider: ProviderName;
  clientKey: string;
  /**
   * What makes two requests the same, as the client sent it (the provider where it named one: one
   * key to two providers conflicts; not where the gateway routed, so a changed rule cannot).
   */
  request: unknown;
  run(providerKey: string): Promise<T>;
  encode(result: T): string;
  decode(stored: string): Promise<T>;
  /** For payout creates: the command as the adapter gets it, so a doubt can be resolved later. */
  command?: (providerKey: string) => CreatePayoutCommand;
}

export function validIdempotencyKey(key: string): string {
  if (key.length < 1 || key.length > 255)
    throw new ValidationError('idempotencyKey', 'idempotencyKey must be 1–255 characters.');
  return key;
}

export class Idempotency {
  /** Creates in flight on this instance: their duplicates wait for the same outcome. */
  private readonly inflight = new Map<string, { fingerprint: string; outcome: Promise<string> }>();

  constructor(private readonly options: OnceOptions) {}

  async once<T>(req: OnceRequest<T>): Promise<T> {
    const key = sha256(`${req.principalId}\0${req.operation}\0${validIdempotencyKey(req.clientKey)}`);
    const fingerprint = this.options.digest(canonicalJson(req.request));
    const deadline = this.options.now() + this.options.leaseSeconds * 1000;
    for (let wait = 25; ; wait = Math.min(250, wait * 2)) {
      const local = this.inflight.get(key);
      if (local) {
        if (local.fingerprint !== fingerprint) throw conflict();
        // The same outcome as the first request: its result, or its very error.
        return req.decode(await local.outcome);
      }
      const found = await this.options.store.reserve(key, fingerprint, this.options.leaseSeconds);
      switch (found.kind) {
        case 'mismatch':
          throw conflict();
        case 'completed':
          return req.decode(found.value);
        case 'reserved':
          return this.lead(req, key, fingerprint, found.owner);
        case 'in_doubt': {
          const settled = await this.settle(key, fingerprint, found.owner, JSON.parse(found.doubt) as Doubt);
          if (settled.payout) return settled.payout as T;
          if (settled.free) continue;
          throw inDoubt(req.provider, req.clientKey);
        }
        case 'in_progress':
          // Another instance is running it: wait for its outcome, as a local duplicate would.
          if (this.options.now() >= deadline)
            throw new InvalidStateError(
              'A request with this idempotencyKey is still in progress; retry shortly.',
              'IDEMPOTENCY_KEY_IN_USE',
            );
          await sleep(wait);
      }
    }
  }

  /** The first request for a key: calls the provider, and settles what every repeat will get. */
  private async lead<T>(req: OnceRequest<T>, key: string, fingerprint: string, owner: string): Promise<T> {
    const { store, retentionSeconds } = this.options;
    let result!: T;
    const outcome = (async () => {
      try {
        result = await req.run(key);
      } catch (error) {
        if (req.command && error instanceof ProviderUnavailableError && error.inDoubt) {
          const doubt: Doubt = {
            provider: req.provider,
            command: req.command(key),
            sentAt: this.options.now(),
            clientKey: req.clientKey,
          };
          // Look before you leap: the payout may exist; only the provider can say.
          const payout = await this.options.find(req.provider, doubt.command).catch(() => null);
          if (!payout) {
            await store.markInDoubt(key, owner, fingerprint, JSON.stringify(doubt), retentionSeconds);
            await this.options.events.schedule(DOUBT_MEMBER + key, doubt.sentAt + this.options.settleMs, 0);
            this.options.log.warn(
              { provider: req.provider, reason: error.message },
              'create in doubt: the provider may have made the payout; the poller will find out',
            );
            throw inDoubt(req.provider, req.clientKey);
          }
          result = payout as T;
        } else {
          // Nothing was done, or a retry re-sends the same provider key, which the provider dedupes.
          await store.release(key, owner);
          throw error;
        }
      }
      const value = req.encode(result);
      await store.complete(key, owner, fingerprint, value, retentionSeconds);
      return value;
    })();
    this.inflight.set(key, { fingerprint, outcome });
    try {
      await outcome;
      return result;
    } finally {
      this.inflight.delete(key);
    }
  }

  /**
   * Asks the provider about a create in doubt. `payout`: it exists (recorded under the key);
   * `free`: it does not, long enough after sending to be sure (the key is free to create again,
   * with the same provider key); neither: still in doubt.
   */
  private async settle(
    key: string,
    fingerprint: string,
    owner: string,
    doubt: Doubt,
  ): Promise<{ payout?: Payout; free?: boolean }> {
    const { store, retentionSeconds, now, settleMs } = this.options;
    let payout: Payout | null;
    try {
      payout = await this.options.find(doubt.provider, doubt.command);
    } catch {
      return {};
    }
    if (payout) {
      await store.complete(key, owner, fingerprint, JSON.stringify(payout), retentionSeconds);
      await this.options.events.unschedule(DOUBT_MEMBER + key);
      await this.options.found(payout);
      return { payout };
    }
    if (now() - doubt.sentAt < settleMs) return {};
    await store.release(key, owner);
    await this.options.events.unschedule(DOUBT_MEMBER + key);
    return { free: true };
  }

  /** The poller's turn at a create in doubt (`member` from the schedule); true when settled. */
  async resolve(member: string, attempts: number): Promise<void> {
    const key = member.slice(DOUBT_MEMBER.length);
    const { events, store, log, now, settleMs } = this.options;
    const record = await store.peek(key);
    if (!record?.doubt || !record.owner) return events.unschedule(member);
    const doubt = JSON.parse(record.doubt) as Doubt;
    const settled = await this.settle(key, record.fingerprint, record.owner, doubt);
    if (settled.payout || settled.free) {
      log.info(
        { provider: doubt.provider, created: Boolean(settled.payout) },
        settled.payout
          ? 'create in doubt resolved: the provider had made the payout'
          : 'create in doubt resolved: the provider never made the payout; the key is free again',
      );
      return;
    }
    const next = Math.min(60 * 60_000, settleMs * 2 ** Math.min(attempts + 1, 20));
    await events.schedule(member, now() + next, attempts + 1, { release: true });
  }
}

function conflict() {
  return new IdempotencyConflictError(
    'This idempotencyKey was already used with different input (or another provider); nothing was done.',
  );
}

function inDoubt(provider: ProviderName, clientKey: string) {
  return new PayoutInDoubtError(
    provider,
    clientKey,
    `${DISPLAY_NAMES[provider]} got the create but its answer was lost, and it cannot yet say whether the payout exists. Send the same request with the same idempotencyKey later: it returns the payout once known, and never pays twice.`,
  );
}
