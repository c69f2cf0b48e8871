// The contract every provider adapter meets, run against each one over real HTTP to its sandbox
// simulator. What a provider cannot do is not skipped: the contract checks it is refused with
// UnsupportedOperationError, and that the capabilities say so.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidStateError, NotFoundError, UnsupportedOperationError } from '../../src/domain/errors.ts';
import { isKnownCurrency } from '../../src/domain/money.ts';
import { PAYOUT_STATUSES } from '../../src/domain/payout.ts';
import type { ProviderModule } from '../../src/providers/module.ts';
import {
  implementedOperations,
  OPERATIONS,
  type CreateBankAccountCommand,
  type CreatePayoutCommand,
  type PayoutProviderAdapter,
} from '../../src/providers/types.ts';
import { AdapterRegistry } from '../../src/services/registry.ts';
import { adapterDeps } from '../helpers/deps.ts';

export interface ContractFixture {
  /** A valid create for a fresh sandbox account, e.g. with a destination or source it looked up. */
  payoutCommand(adapter: PayoutProviderAdapter): Promise<Omit<CreatePayoutCommand, 'idempotencyKey'>>;
  /** A provider id that does not exist. */
  missingPayoutId: string;
  /** A valid bank account, for providers that declare createBankAccount. */
  bankAccountCommand?: Omit<CreateBankAccountCommand, 'idempotencyKey'>;
  /** Sets up what a fresh account lacks (Token.io's beneficiaries live in the gateway: none at first). */
  seed?(adapter: PayoutProviderAdapter): Promise<void>;
}

const silent = { info() {}, warn() {}, error() {} };

export function runAdapterContract(module: ProviderModule, fixture: ContractFixture): void {
  describe(`${module.displayName} adapter contract`, () => {
    let adapter: PayoutProviderAdapter;
    let close: () => Promise<void>;
    // What this adapter, as configured, declares (the module's full list, with sandbox credentials).
    const has = (op: (typeof OPERATIONS)[number]) => adapter.capabilities.operations.includes(op);
    const newKey = () => randomBytes(32).toString('hex');

    beforeAll(async () => {
      const sim = await module.sandbox.start(0);
      adapter = module.createAdapter(
        { ...module.sandbox.credentials({}), baseUrl: sim.url, webhookSecret: 'contract' },
        adapterDeps({ log: silent }),
      );
      await fixture.seed?.(adapter);
      close = async () => {
        await adapter.close();
        await sim.close();
      };
    });
    afterAll(() => close());

    it('declares exactly the operations it implements, with sane capabilities', () => {
      expect(adapter.name).toBe(module.name);
      expect([...adapter.capabilities.operations].sort()).toEqual(implementedOperations(adapter).sort());
      expect(adapter.capabilities.operations).toEqual(module.capabilities.operations);
      expect(module.capabilities.currencies.length).toBeGreaterThan(0);
      for (const c of module.capabilities.currencies) expect(isKnownCurrency(c), c).toBe(true);
      for (const statuses of Object.values(module.capabilities.payoutActions)) {
        for (const s of statuses ?? []) expect(PAYOUT_STATUSES).toContain(s);
      }
      expect(module.capabilities.notes.length).toBeGreaterThan(0);
    });

    it('refuses every operation it does not declare with UnsupportedOperationError', () => {
      const registry = new AdapterRegistry([adapter]);
      for (const op of OPERATIONS.filter((o) => !has(o))) {
        expect(() => registry.operation(module.name, op), op).toThrow(UnsupportedOperationError);
      }
      for (const op of OPERATIONS.filter(has))
        expect(typeof registry.operation(module.name, op)).toBe('function');
    });

    it('answers ping', async () => {
      await expect(adapter.ping()).resolves.toBeUndefined();
    });

    it('reads balances in exact minor units of their own currency', async () => {
      if (!has('listBalances')) return expect(adapter.listBalances).toBeUndefined();
      const balances = await adapter.listBalances!();
      expect(balances.length).toBeGreaterThan(0);
      for (const b of balances) {
        expect(b.provider).toBe(module.name);
        expect(b.available.currency).toBe(b.currency);
        expect(b.pending.currency).toBe(b.currency);
        expect(Number.isSafeInteger(b.available.minor)).toBe(true);
        if (has('getBalance')) expect(await adapter.getBalance!(b.providerBalanceId)).toEqual(b);
      }
    });

    it('pages bank accounts after an id without overlap, and reads each one back', async () => {
      if (!has('listBankAccounts')) return expect(adapter.listBankAccounts).toBeUndefined();
      const first = await adapter.listBankAccounts!({ afterId: null, limit: 1 });
      expect(first.items).toHaveLength(1);
      const a = first.items[0]!;
      expect(a.provider).toBe(module.name);
      expect(a.last4 ?? '').toMatch(/^\w{0,4}$/);
      const next = await adapter.listBankAccounts!({
        afterId: first.positions?.[0] ?? a.providerBankAccountId,
        limit: 10,
      });
      expect(next.items.map((b) => b.providerBankAccountId)).not.toContain(a.providerBankAccountId);
      expect(first.hasMore).toBe(next.items.length > 0);
      if (has('getBankAccount')) expect(await adapter.getBankAccount!(a.providerBankAccountId)).toEqual(a);
    });

    it('creates a payout once per idempotency key, reads it back and lists it first', async () => {
      const command = { ...(await fixture.payoutCommand(adapter)), idempotencyKey: newKey() };
      const created = await adapter.createPayout!(command);
      expect(created).toMatchObject({ provider: module.name, status: 'PENDING' });
      expect(created.providerStatus).toBeTruthy();
      if (command.amount) expect(created.amount).toEqual(command.amount);
      const again = await adapter.createPayout!(command);
      expect(again.providerPayoutId).toBe(created.providerPayoutId);
      expect((await adapter.getPayout!(created.providerPayoutId)).providerPayoutId).toBe(
        created.providerPayoutId,
      );
      const listed = await adapter.listPayouts!({ afterId: null, limit: 5 });
      expect(listed.items[0]?.providerPayoutId).toBe(created.providerPayoutId);
      // "After" means after: the item the cursor names is never repeated (Mollie's `from` includes it).
      // Offset-paged providers name the position after an item themselves.
      const position = listed.positions?.[0] ?? created.providerPayoutId;
      const rest = await adapter.listPayouts!({ afterId: position, limit: 5 });
      expect(rest.items.map((p) => p.providerPayoutId)).not.toContain(created.providerPayoutId);
      const pending = await adapter.listPayouts!({
        afterId: null,
        limit: 5,
        filter: { status: ['PENDING'] },
      });
      expect(pending.items.every((p) => p.status === 'PENDING')).toBe(true);

      const id = created.providerPayoutId;
      if (has('holdPayout')) {
        expect((await adapter.holdPayout!(id, 'contract review')).status).toBe('ON_HOLD');
        expect((await adapter.updatePayout!(id, { description: 'contract, updated' })).description).toBe(
          'contract, updated',
        );
        expect((await adapter.releasePayout!(id, null)).status).toBe('PENDING');
      } else {
        for (const op of ['holdPayout', 'releasePayout', 'updatePayout'] as const)
          expect(adapter[op], op).toBeUndefined();
      }

      if (!has('cancelPayout')) return expect(adapter.cancelPayout).toBeUndefined();
      expect((await adapter.cancelPayout!(id)).status).toBe('CANCELED');
      await expect(adapter.cancelPayout!(id)).rejects.toBeInstanceOf(InvalidStateError);
      // Refused by the provider itself once final (the service refuses earlier; this is the backstop).
      if (has('holdPayout')) {
        await expect(adapter.holdPayout!(id, 'too late')).rejects.toBeInstanceOf(InvalidStateError);
        await expect(adapter.updatePayout!(id, { description: 'too late' })).rejects.toBeInstanceOf(
          InvalidStateError,
        );
        await expect(adapter.releasePayout!(id, null)).rejects.toBeInstanceOf(InvalidStateError);
      }
    });

    it('registers a bank account once per idempotency key and reads it back', async () => {
      if (!has('createBankAccount')) return expect(adapter.createBankAccount).toBeUndefined();
      const command = { ...fixture.bankAccountCommand!, idempotencyKey: newKey() };
      const account = await adapter.createBankAccount!(command);
      expect(account).toMatchObject({
        provider: module.name,
        country: command.country,
        currency: command.currency,
      });
      expect(account.last4).toMatch(/^\w{4}$/);
      expect((await adapter.createBankAccount!(command)).providerBankAccountId).toBe(
        account.providerBankAccountId,
      );
      if (has('getBankAccount'))
        expect(await adapter.getBankAccount!(account.providerBankAccountId)).toEqual(account);
    });

    it('answers NotFoundError for a payout it does not have', async () => {
      await expect(adapter.getPayout!(fixture.missingPayoutId)).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
