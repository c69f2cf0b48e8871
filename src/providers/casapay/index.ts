// The CasaPay adapter: GBP/EUR payouts to bank accounts registered at CasaPay, from per-currency
// balances. Stripe-shaped API; see ../../../README.md for the choices made where the seeds are silent.
import { randomBytes } from 'node:crypto';
import { isSEPACountry } from 'ibantools';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Payout } from '../../domain/payout.ts';
import { startCasaPaySimulator } from '../../sandbox/casapay/index.ts';
import { ProviderHttpClient } from '../http.ts';
import type { AdapterDeps, ProviderModule, ProviderSettings } from '../module.ts';
import { filteredPage } from '../paging.ts';
import {
  testHelperDrive,
  type CreatePayoutCommand,
  type PayoutPageQuery,
  type PayoutProviderAdapter,
  type ProviderCapabilities,
} from '../types.ts';
import { CasaPayClient, type ListParams } from './client.ts';
import { toBalances, toBankAccount, toPayout, wireStatusesFor } from './mapper.ts';
import { eventSchema, payoutSchema } from './wire.ts';
import { SIGNATURE_HEADER, verifyCasaPaySignature } from './webhooks.ts';

export const CASAPAY_CAPABILITIES: ProviderCapabilities = {
  operations: [
    'createPayout',
    'getPayout',
    'listPayouts',
    'cancelPayout',
    'listBalances',
    'getBalance',
    'getBankAccount',
    'listBankAccounts',
    'createBankAccount',
  ],
  currencies: ['GBP', 'EUR'],
  payoutActions: { CANCEL: ['PENDING'] },
  createPayout: {
    amount: 'REQUIRED',
    sourceId: 'FORBIDDEN',
    destinationId: 'REQUIRED',
    scheduledFor: 'FORBIDDEN',
    methods: ['STANDARD', 'INSTANT'],
  },
  webhooks: true,
  statusSource: 'WEBHOOK',
  pollCadence: { initialMs: 5 * 60_000, maxMs: 6 * 3600_000 },
  terminalMoves: [['PAID', 'FAILED']],
  sandboxOutcomes: ['PAID', 'CANCELED', 'FAILED_INSUFFICIENT_FUNDS', 'FAILED_CLOSED_ACCOUNT'],
  notes: [
    'Pays bank accounts registered at CasaPay (createBankAccount) from the balance in the payout currency.',
    'Bank accounts: GB needs sortCode + accountNumber; EUR countries need iban.',
    'Cancel is possible while the payout is PENDING; a PAID payout can still become FAILED.',
  ],
};

const unix = (d: Date) => Math.floor(d.getTime() / 1000);

export function createCasaPayAdapter(settings: ProviderSettings, deps: AdapterDeps): PayoutProviderAdapter {
  if (!settings.apiKey) throw new Error('The CasaPay adapter needs an API key.');
  const http = new ProviderHttpClient({
    provider: 'CASAPAY',
    baseUrl: settings.baseUrl,
    headers: { authorization: `Bearer ${settings.apiKey}` },
    ...deps.transport,
  });
  const client = new CasaPayClient(http);
  const payout = (w: Parameters<typeof toPayout>[0]) => toPayout(w, deps.log);

  async function listPayouts(query: PayoutPageQuery) {
    const f = query.filter ?? {};
    const wire = f.status?.length ? wireStatusesFor(f.status) : [];
    if (f.status?.length && wire.length === 0) return { items: [], hasMore: false };
    const base: Omit<ListParams, 'limit'> = {
      // CasaPay filters one status server-side; several are filtered here.
      ...(wire.length === 1 ? { status: wire[0] } : {}),
      ...(f.createdAfter ? { 'created[gte]': unix(f.createdAfter) } : {}),
      ...(f.createdBefore ? { 'created[lt]': Math.ceil(f.createdBefore.getTime() / 1000) } : {}),
    };
    const matches = (p: Payout) =>
      (!f.status?.length || f.status.includes(p.status)) &&
      (!f.createdAfter || p.createdAt >= f.createdAfter) &&
      (!f.createdBefore || p.createdAt < f.createdBefore);
    const exact = wire.length <= 1;
    return filteredPage(
      async (afterId) => {
        const list = await client.listPayouts({
          ...base,
          limit: exact ? query.limit : 100,
          ...(afterId ? { starting_after: afterId } : {}),
          ...(query.destinations ? { 'expand[]': ['data.destination'] as const } : {}),
        });
        for (const w of list.data) {
          if (typeof w.destination === 'object' && w.destination !== null) {
            query.destinations?.(toBankAccount(w.destination));
          }
        }
        return { items: list.data.map(payout), hasMore: list.has_more };
      },
      query.afterId,
      query.limit,
      matches,
      (p) => p.providerPayoutId,
    );
  }

  async function createPayout(cmd: CreatePayoutCommand): Promise<Payout> {
    const amount = cmd.amount!; // REQUIRED by the capabilities; the service enforces it.
    if (cmd.description && cmd.description.length > 5000)
      throw new ValidationError('description', 'CasaPay takes a description of at most 5000 characters.');
    const w = await client.createPayout(
      {
        amount: amount.minor,
        currency: amount.currency.toLowerCase(),
        destination: cmd.destinationId!,
        ...(cmd.description !== null ? { description: cmd.description } : {}),
        ...(cmd.method ? { method: cmd.method === 'INSTANT' ? 'instant' : 'standard' } : {}),
        ...(cmd.metadata ? { metadata: cmd.metadata } : {}),
      },
      cmd.idempotencyKey,
      cmd.sandboxOutcome,
    );
    return payout(w);
  }

  return {
    name: 'CASAPAY',
    capabilities: CASAPAY_CAPABILITIES,
    webhookEvent(body) {
      const event = eventSchema.parse(body);
      if (!event.type.startsWith('payout.')) return null;
      return {
        eventId: event.id,
        payout: payout(payoutSchema.parse(event.data.object)),
        occurredAt: new Date(event.created * 1000),
      };
    },
    ...(settings.sandbox
      ? { sandbox: testHelperDrive(async (id, step) => payout(await client.testHelper(id, step))) }
      : {}),
    createPayout,
    // Replaying the request with its idempotency key answers the payout the first attempt made (or,
    // if that attempt never arrived, makes it now): never a second one.
    findCreatedPayout: createPayout,
    getPayout: async (id) => payout(await client.getPayout(id)),
    listPayouts,
    cancelPayout: async (id) => payout(await client.cancelPayout(id)),
    listBalances: async () => toBalances(await client.getBalance()),
    // One balance object per account: a currency's balance is read from it.
    async getBalance(currency) {
      const found = toBalances(await client.getBalance()).find((b) => b.providerBalanceId === currency);
      if (!found) throw new NotFoundError(`CasaPay has no ${currency} balance on this account.`);
      return found;
    },
    getBankAccount: async (id) => toBankAccount(await client.getBankAccount(id)),
    async listBankAccounts(query) {
      const list = await client.listBankAccounts({
        limit: query.limit,
        ...(query.afterId ? { starting_after: query.afterId } : {}),
      });
      return { items: list.data.map(toBankAccount), hasMore: list.has_more };
    },
    async createBankAccount(cmd) {
      const gb = cmd.country === 'GB';
      if (!gb && !isSEPACountry(cmd.country))
        throw new ValidationError('country', `CasaPay pays to GB and SEPA accounts, not ${cmd.country}.`);
      // Refuse what CasaPay would silently ignore: a caller must not believe a BIC was registered.
      const unused = gb
        ? { iban: cmd.iban, bic: cmd.bic, routingNumber: cmd.routingNumber }
        : {
            sortCode: cmd.sortCode,
            accountNumber: cmd.accountNumber,
            bic: cmd.bic,
            routingNumber: cmd.routingNumber,
          };
      const extra = Object.entries(unused).find(([, v]) => v !== null);
      if (extra) {
        throw new ValidationError(
          extra[0],
          gb
            ? `CasaPay takes sortCode and accountNumber for GB accounts, not ${extra[0]}.`
            : `CasaPay takes only iban for ${cmd.country} accounts, not ${extra[0]}.`,
        );
      }
      const number = gb ? cmd.accountNumber : cmd.iban;
      const w = await client.createBankAccount(
        {
          account_holder_name: cmd.holderName,
          // Stripe's convention, which CasaPay follows: SEPA accounts carry the IBAN as the number.
          ...(number !== null ? { account_number: number } : {}),
          ...(gb && cmd.sortCode !== null ? { sort_code: cmd.sortCode } : {}),
          currency: cmd.currency.toLowerCase(),
          country: cmd.country,
          ...(cmd.metadata ? { metadata: cmd.metadata } : {}),
        },
        cmd.idempotencyKey,
      );
      return toBankAccount(w);
    },
    async ping() {
      await client.getBalance();
    },
    health: () => http.health(),
    close: () => http.close(),
  };
}

const env = {
  CASAPAY_API_KEY: z
    .string()
    .regex(/^sk_(test|live)_\w+$/, 'must be a CasaPay secret key (sk_test_… or sk_live_…)')
    .optional(),
  CASAPAY_BASE_URL: z.url().default('https://api.casapay.com'),
  CASAPAY_WEBHOOK_SECRET: z.string().min(1).optional(),
};

export const casapay: ProviderModule<typeof env> = {
  name: 'CASAPAY',
  displayName: 'CasaPay',
  capabilities: CASAPAY_CAPABILITIES,
  env,
  liveSettings: (e) =>
    e.CASAPAY_API_KEY
      ? {
          apiKey: e.CASAPAY_API_KEY,
          baseUrl: e.CASAPAY_BASE_URL,
          webhookSecret: e.CASAPAY_WEBHOOK_SECRET ?? null,
        }
      : null,
  sandbox: {
    port: 4101,
    start: (port) => startCasaPaySimulator({ port }),
    credentials: (e) => ({
      apiKey: e.CASAPAY_API_KEY?.startsWith('sk_test_')
        ? e.CASAPAY_API_KEY
        : `sk_test_${randomBytes(12).toString('hex')}`,
    }),
  },
  createAdapter: createCasaPayAdapter,
  verifyWebhook: (raw, headers, secret, now) =>
    verifyCasaPaySignature(raw, headers.get(SIGNATURE_HEADER), secret, now),
};
