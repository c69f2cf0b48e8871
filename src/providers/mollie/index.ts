// The Mollie adapter: payouts from a Mollie balance to that balance's own configured bank account
// (its read-only `transferDestination`). Balances are the payout sources and, under the same ids,
// the bank accounts; Mollie has no way to add a bank account through the API.
import { randomAlnum } from '../../util/random.ts';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Payout } from '../../domain/payout.ts';
import { startMollieSimulator } from '../../sandbox/mollie/index.ts';
import { ProviderHttpClient } from '../http.ts';
import type { AdapterDeps, ProviderModule, ProviderSettings } from '../module.ts';
import { filteredPage } from '../paging.ts';
import {
  testHelperDrive,
  type Page,
  type PageQuery,
  type CreatePayoutCommand,
  type PayoutFilter,
  type PayoutProviderAdapter,
  type ProviderCapabilities,
} from '../types.ts';
import { MAX_LIMIT, MollieClient, type ListParams } from './client.ts';
import { mollieIdempotencyKey, toBalance, toBankAccount, toPayout, toWireAmount } from './mapper.ts';
import { SIGNATURE_HEADER, verifyMollieSignature } from './webhooks.ts';
import { BALANCE_CURRENCIES, eventSchema, payoutSchema, type WireBalance } from './wire.ts';

export const MOLLIE_CAPABILITIES: ProviderCapabilities = {
  operations: [
    'createPayout',
    'getPayout',
    'listPayouts',
    'cancelPayout',
    'listBalances',
    'getBalance',
    'getBankAccount',
    'listBankAccounts',
  ],
  currencies: BALANCE_CURRENCIES,
  payoutActions: { CANCEL: ['PENDING'] },
  createPayout: {
    amount: 'OPTIONAL',
    sourceId: 'REQUIRED',
    destinationId: 'FORBIDDEN',
    scheduledFor: 'FORBIDDEN',
    methods: [],
  },
  webhooks: true,
  statusSource: 'WEBHOOK',
  pollCadence: { initialMs: 5 * 60_000, maxMs: 6 * 3600_000 },
  // A completed payout the bank returns ends failed (statusReason `returned`).
  terminalMoves: [['PAID', 'FAILED']],
  sandboxOutcomes: ['PAID', 'CANCELED', 'FAILED_INSUFFICIENT_FUNDS', 'FAILED_CLOSED_ACCOUNT'],
  notes: [
    'Mollie pays a Mollie balance out to that balance’s own configured bank account, so sourceId is a Balance id, destinationId is not accepted, and omitting amount pays out the full available balance (the payout’s amount is null until Mollie initiates it).',
    'Bank accounts are the balances’ read-only transfer destinations (same id as the balance), configured in the Mollie Dashboard; they cannot be created through the API.',
    'A payout can be canceled only while it is PENDING (Mollie `requested`, before the next business day’s run).',
    'Payout lists only include payouts created on or after 2026-04-01; metadata is not supported.',
    'A payout’s destination is its balance’s transfer destination as configured now: Mollie does not say which account an earlier payout went to.',
  ],
};

/** Room for the one extra item a `from` (inclusive) cursor costs. */
const MAX_PAGE = MAX_LIMIT - 1;

/**
 * The gateway pages "after this id"; Mollie's `from` is inclusive. Asking for one more and dropping
 * the cursor item itself gives exactly the next `limit` items.
 */
async function pageAfter<T extends { id: string }>(
  fetch: (params: ListParams) => Promise<{ items: T[]; hasNext: boolean }>,
  afterId: string | null,
  limit: number,
): Promise<Page<T>> {
  const size = Math.min(Math.max(limit, 1), MAX_PAGE);
  const list = await fetch(afterId ? { from: afterId, limit: size + 1 } : { limit: size });
  const items = afterId && list.items[0]?.id === afterId ? list.items.slice(1) : list.items;
  return { items: items.slice(0, size), hasMore: list.hasNext || items.length > size };
}

export function createMollieAdapter(settings: ProviderSettings, deps: AdapterDeps): PayoutProviderAdapter {
  // Payout sources and destinations are balances, which Mollie serves only to organisation tokens.
  if (!settings.accessToken) throw new Error('The Mollie adapter needs an organisation access token.');
  if (!settings.apiKey) throw new Error('The Mollie adapter needs an API key.');
  const http = new ProviderHttpClient({
    provider: 'MOLLIE',
    baseUrl: settings.baseUrl,
    headers: { authorization: `Bearer ${settings.apiKey}` },
    ...deps.transport,
  });
  const client = new MollieClient(http, {
    apiKey: settings.apiKey,
    accessToken: settings.accessToken,
  });
  const payout = (w: Parameters<typeof toPayout>[0]) => toPayout(w, deps.log);

  const payoutPage = (afterId: string | null, limit: number) =>
    pageAfter(
      async (params) => {
        const list = await client.listPayouts(params);
        return { items: list._embedded.payouts, hasNext: Boolean(list._links.next) };
      },
      afterId,
      limit,
    );

  const balancePage = (afterId: string | null, limit: number) =>
    pageAfter(
      async (params) => {
        const list = await client.listBalances(params);
        return { items: list._embedded.balances, hasNext: Boolean(list._links.next) };
      },
      afterId,
      limit,
    );

  async function listPayouts(query: PageQuery<PayoutFilter>): Promise<Page<Payout>> {
    const f = query.filter ?? {};
    const filtered = Boolean(f.status?.length || f.createdAfter || f.createdBefore);
    // Mollie filters neither status nor dates: filter here, over one page of its largest size.
    const matches = (p: Payout) =>
      (!f.status?.length || f.status.includes(p.status)) &&
      (!f.createdAfter || p.createdAt >= f.createdAfter) &&
      (!f.createdBefore || p.createdAt < f.createdBefore);
    return filteredPage(
      async (afterId) => {
        const page = await payoutPage(afterId, filtered ? MAX_PAGE : query.limit);
        const items = page.items.map(payout);
        // Newest first: once a page reaches past createdAfter, no later page can match.
        const last = items.at(-1);
        const exhausted = Boolean(f.createdAfter && last && last.createdAt < f.createdAfter);
        return { items, hasMore: page.hasMore && !exhausted };
      },
      query.afterId,
      query.limit,
      matches,
      (p) => p.providerPayoutId,
    );
  }

  async function listAllBalances(): Promise<WireBalance[]> {
    const all: WireBalance[] = [];
    let page = await balancePage(null, MAX_PAGE);
    all.push(...page.items);
    while (page.hasMore && page.items.length) {
      page = await balancePage(page.items.at(-1)!.id, MAX_PAGE);
      all.push(...page.items);
    }
    return all;
  }

  async function createPayout(cmd: CreatePayoutCommand): Promise<Payout> {
    // The service enforces the capabilities; these guard direct callers from a silent no-op.
    if (!cmd.sourceId)
      throw new ValidationError('sourceId', 'Mollie pays out from a balance: sourceId is required.');
    if (cmd.destinationId) {
      throw new ValidationError('destinationId', 'Mollie pays only to the balance’s own bank account.');
    }
    if (cmd.metadata) throw new ValidationError('metadata', 'Mollie payouts carry no metadata.');
    if (cmd.description && cmd.description.length > 255)
      throw new ValidationError('description', 'Mollie takes a description of at most 255 characters.');
    const w = await client.createPayout(
      {
        balanceId: cmd.sourceId,
        ...(cmd.amount ? { amount: toWireAmount(cmd.amount) } : {}),
        ...(cmd.description !== null ? { description: cmd.description } : {}),
      },
      mollieIdempotencyKey(cmd.idempotencyKey),
      cmd.sandboxOutcome,
    );
    return payout(w);
  }

  return {
    name: 'MOLLIE',
    capabilities: MOLLIE_CAPABILITIES,
    webhookEvent(body) {
      const event = eventSchema.parse(body);
      if (!event.type.startsWith('payout.')) return null;
      // Full-payload subscriptions embed the payout; a simple one sends only its id.
      if (!event._embedded) return { eventId: event.id, payoutId: event.entityId };
      return {
        eventId: event.id,
        payout: payout(payoutSchema.parse(event._embedded.entity)),
        occurredAt: new Date(event.createdAt),
      };
    },
    ...(settings.sandbox
      ? { sandbox: testHelperDrive(async (id, step) => payout(await client.testHelper(id, step))) }
      : {}),
    listBalances: async () => (await listAllBalances()).map(toBalance),
    getBalance: async (id) => toBalance(await client.getBalance(id)),
    async getBankAccount(id) {
      const account = toBankAccount(await client.getBalance(id));
      if (!account) throw new NotFoundError(`Mollie balance ${id} has no configured bank account.`);
      return account;
    },
    async listBankAccounts(query) {
      const page = await filteredPage(
        (afterId) => balancePage(afterId, query.limit),
        query.afterId,
        query.limit,
        (b) => Boolean(b.transferDestination),
        (b) => b.id,
      );
      const { resumeAfterId } = page;
      return {
        items: page.items.map((b) => toBankAccount(b)!),
        hasMore: page.hasMore,
        ...(resumeAfterId ? { resumeAfterId } : {}),
      };
    },
    createPayout,
    // Replaying the request with its idempotency key answers the payout the first attempt made (or,
    // if that attempt never arrived, makes it now): never a second one.
    findCreatedPayout: createPayout,
    getPayout: async (id) => payout(await client.getPayout(id)),
    listPayouts,
    cancelPayout: async (id) => payout(await client.cancelPayout(id)),
    async ping() {
      // Both credentials: the API key (payouts) and the organisation token (balances).
      await Promise.all([client.listPayouts({ limit: 1 }), client.listBalances({ limit: 1 })]);
    },
    health: () => http.health(),
    close: () => http.close(),
  };
}

const env = {
  MOLLIE_API_KEY: z
    .string()
    .regex(/^(test|live)_\w+$/, 'must be a Mollie API key (test_… or live_…)')
    .optional(),
  MOLLIE_ACCESS_TOKEN: z
    .string()
    .regex(/^access_\w+$/, 'must be a Mollie organisation access token (access_…)')
    .optional(),
  MOLLIE_BASE_URL: z.url().default('https://api.mollie.com'),
  MOLLIE_WEBHOOK_SECRET: z.string().min(1).optional(),
};

export const mollie: ProviderModule<typeof env> = {
  name: 'MOLLIE',
  displayName: 'Mollie',
  capabilities: MOLLIE_CAPABILITIES,
  env,
  liveProblems: (e) =>
    e.MOLLIE_API_KEY && !e.MOLLIE_ACCESS_TOKEN
      ? [
          'MOLLIE_ACCESS_TOKEN: required with MOLLIE_API_KEY: Mollie serves balances (payout sources and their bank accounts) only to organisation access tokens',
        ]
      : [],
  liveSettings(e) {
    if (!e.MOLLIE_API_KEY) return null;
    return {
      apiKey: e.MOLLIE_API_KEY,
      accessToken: e.MOLLIE_ACCESS_TOKEN ?? null,
      baseUrl: e.MOLLIE_BASE_URL,
      webhookSecret: e.MOLLIE_WEBHOOK_SECRET ?? null,
    };
  },
  sandbox: {
    port: 4102,
    start: (port) => startMollieSimulator({ port }),
    // The sandbox's convention: test_<s> (payouts) and access_<s> (balances) are one organisation.
    credentials: (e) => {
      const suffix = e.MOLLIE_API_KEY?.startsWith('test_') ? e.MOLLIE_API_KEY.slice(5) : randomAlnum(30);
      return { apiKey: `test_${suffix}`, accessToken: `access_${suffix}` };
    },
  },
  createAdapter: createMollieAdapter,
  verifyWebhook: (raw, headers, secret) => verifyMollieSignature(raw, headers.get(SIGNATURE_HEADER), secret),
};
