// The Straddle adapter: US ACH payouts (USD) to a paykey, the tokenised bank account of a Straddle
// customer, with Straddle's whole lifecycle (hold, release, update, cancel). Creating a bank account
// creates the customer and links the account (`/v1/bridge/bank_account`) in one go.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { ProviderUnavailableError, ValidationError } from '../../domain/errors.ts';
import type { Payout, SandboxOutcome } from '../../domain/payout.ts';
import { startStraddleSimulator } from '../../sandbox/straddle/index.ts';
import { ProviderHttpClient } from '../http.ts';
import type { AdapterDeps, ProviderModule, ProviderSettings } from '../module.ts';
import { decodePosition, encodePosition, resumeIndex } from '../paging.ts';
import type { Page, PageQuery, PayoutFilter, PayoutProviderAdapter, ProviderCapabilities } from '../types.ts';
import { PAGE_SIZE, StraddleClient } from './client.ts';
import {
  easternDate,
  isValidRoutingNumber,
  straddleKeys,
  toBankAccount,
  toPayout,
  wireStatusesFor,
} from './mapper.ts';
import { eventSchema, payoutSchema, type WirePaykey } from './wire.ts';

export const STRADDLE_CAPABILITIES: ProviderCapabilities = {
  operations: [
    'createPayout',
    'getPayout',
    'listPayouts',
    'cancelPayout',
    'holdPayout',
    'releasePayout',
    'updatePayout',
    'getBankAccount',
    'listBankAccounts',
    'createBankAccount',
  ],
  currencies: ['USD'],
  // Straddle's windows: created, scheduled (PENDING) and on_hold; nothing once `pending` (sent).
  payoutActions: {
    CANCEL: ['PENDING', 'ON_HOLD'],
    HOLD: ['PENDING'],
    RELEASE: ['ON_HOLD'],
    UPDATE: ['PENDING', 'ON_HOLD'],
  },
  createPayout: {
    amount: 'REQUIRED',
    sourceId: 'FORBIDDEN',
    destinationId: 'REQUIRED',
    scheduledFor: 'OPTIONAL',
    methods: [],
  },
  webhooks: true,
  statusSource: 'WEBHOOK',
  pollCadence: { initialMs: 5 * 60_000, maxMs: 6 * 3600_000 },
  terminalMoves: [['PAID', 'REVERSED']],
  sandboxOutcomes: [
    'PAID',
    'ON_HOLD',
    'CANCELED',
    'FAILED_INSUFFICIENT_FUNDS',
    'FAILED_CLOSED_ACCOUNT',
    'REVERSED',
  ],
  notes: [
    'Straddle pays USD over ACH to a paykey (destinationId, a Straddle BankAccount); it debits the platform’s linked bank account, so there is no balance and no sourceId.',
    'createBankAccount creates the Straddle customer (holderName, email, phone, customerType) and links the account (routingNumber, checksum-checked, accountNumber, accountType).',
    'A payout can be held, updated or canceled until Straddle sends it (PENDING or ON_HOLD), and released while ON_HOLD. PAID is not final: a late ACH return makes it REVERSED.',
    'scheduledFor is Straddle’s payment_date, a US Eastern date; metadata takes at most 20 pairs.',
  ],
};

const maxDate = (a: string, b: string) => (a > b ? a : b);

/** The gateway's sandbox outcomes as Straddle's own `config.sandbox_outcome` values. */
const STRADDLE_OUTCOMES: Partial<Record<SandboxOutcome, string>> = {
  PAID: 'paid',
  ON_HOLD: 'on_hold_daily_limit',
  CANCELED: 'cancelled_for_fraud_risk',
  FAILED_INSUFFICIENT_FUNDS: 'failed_insufficient_funds',
  FAILED_CLOSED_ACCOUNT: 'failed_closed_bank_account',
  REVERSED: 'reversed_closed_bank_account',
};

/** Holder names of the paykeys this gateway created, by paykey id. */
const HOLDERS = 'straddle:holders';

/** A position in Straddle's page-numbered search: a ListPosition (paging.ts) headed by a page number. */
const decode = (position: string | null) =>
  decodePosition<number>(
    position,
    1,
    (v) => Number.isInteger(v) && (v as number) >= 1,
    PAGE_SIZE,
    'Straddle',
  );

export function createStraddleAdapter(settings: ProviderSettings, deps: AdapterDeps): PayoutProviderAdapter {
  if (!settings.apiKey) throw new Error('The Straddle adapter needs an API key.');
  const http = new ProviderHttpClient({
    provider: 'STRADDLE',
    baseUrl: settings.baseUrl,
    headers: { authorization: `Bearer ${settings.apiKey}` },
    ...deps.transport,
  });
  const client = new StraddleClient(http);
  const payout = (w: Parameters<typeof toPayout>[0]) => toPayout(w, deps.log);
  const withHolders = async (paykeys: WirePaykey[]) => {
    const names = await deps.records.getMany(
      HOLDERS,
      paykeys.map((p) => p.id),
    );
    return paykeys.map((p, i) => toBankAccount(p, names[i] ?? null));
  };

  async function listPayouts(query: PageQuery<PayoutFilter>): Promise<Page<Payout>> {
    const [page, seen, lastId] = decode(query.afterId);
    const f = query.filter ?? {};
    const statuses = f.status?.length ? wireStatusesFor(f.status) : undefined;
    if (statuses && !statuses.length) return { items: [], hasMore: false };
    const res = await client.searchPayouts({
      page,
      ...(statuses ? { statuses } : {}),
      ...(f.createdAfter ? { createdFrom: f.createdAfter.toISOString() } : {}),
      ...(f.createdBefore ? { createdTo: new Date(f.createdBefore.getTime() - 1).toISOString() } : {}),
    });
    const raw = res.data;
    // Newer payouts push items down, even onto the next page: re-anchor on the last item seen.
    const skip = resumeIndex(
      raw.map((p) => p.id),
      seen,
      lastId,
    );
    const more = page < res.meta.total_pages;
    const after = (j: number) =>
      encodePosition(j + 1 === raw.length && more ? [page + 1, 0, raw[j]!.id] : [page, j + 1, raw[j]!.id]);
    const slice = raw.slice(skip, skip + query.limit);
    const end = skip + slice.length;
    return {
      items: slice.map(payout),
      positions: slice.map((_, i) => after(skip + i)),
      hasMore: end < raw.length || more,
    };
  }

  /** The payout a create with this external_id made (Straddle keeps it unique per account), if any. */
  async function findByExternalId(externalId: string): Promise<Payout | null> {
    const found = await client.searchPayouts({ page: 1, externalId });
    const hit = found.data.find((p) => p.external_id === externalId);
    return hit ? payout(await client.getPayout(hit.id)) : null;
  }

  return {
    name: 'STRADDLE',
    capabilities: STRADDLE_CAPABILITIES,
    webhookEvent(body) {
      const event = eventSchema.parse(body);
      if (!event.event_type.startsWith('payout.')) return null;
      // PayoutEventV1: the payout as it is now, minus what the webhook schema leaves out
      // (`paykey_details`, so the snapshot has no destination id).
      const wire = payoutSchema.parse(event.data);
      return {
        eventId: event.event_id,
        payout: payout(wire),
        occurredAt: new Date(wire.status_details.changed_at),
      };
    },
    ...(settings.sandbox
      ? { sandbox: { advance: async (id: string) => payout(await client.advance(id)) } }
      : {}),

    async createPayout(cmd) {
      if (!cmd.destinationId)
        throw new ValidationError('destinationId', 'Straddle pays to a paykey: destinationId is required.');
      if (!cmd.amount) throw new ValidationError('amount', 'Straddle needs an amount.');
      if (cmd.amount.currency !== 'USD')
        throw new ValidationError('amount.currency', 'Straddle pays out in USD only.');
      // Straddle's amount is an int32 of cents; a payment_date in the past is refused by Straddle.
      if (cmd.amount.minor > 2_147_483_647)
        throw new ValidationError('amount.amount', 'Straddle pays at most 21,474,836.47 USD at once.');
      if (cmd.scheduledFor && cmd.scheduledFor < easternDate(new Date()))
        throw new ValidationError('scheduledFor', 'scheduledFor must not be in the past (US Eastern time).');
      if (cmd.metadata && Object.keys(cmd.metadata).length > 20) {
        throw new ValidationError('metadata', 'Straddle takes at most 20 metadata pairs.');
      }
      const keys = straddleKeys(cmd.idempotencyKey);
      const token = (await client.revealPaykey(cmd.destinationId)).paykey;
      const body = {
        paykey: token,
        amount: cmd.amount.minor,
        currency: 'USD' as const,
        description: cmd.description,
        payment_date: cmd.scheduledFor ?? easternDate(new Date()),
        device: { ip_address: cmd.clientIp ?? '0.0.0.0' },
        external_id: keys.externalId,
        ...(cmd.metadata ? { metadata: cmd.metadata } : {}),
        ...(cmd.sandboxOutcome ? { config: { sandbox_outcome: STRADDLE_OUTCOMES[cmd.sandboxOutcome] } } : {}),
      };
      try {
        return payout(await client.createPayout(body, keys.idempotencyKey));
      } catch (error) {
        // No answer after every retry, or refused as a repeat (409: the key was used with another
        // body, e.g. a retry on another day or from another IP; 422: the external_id exists): the
        // payout may exist, and its external_id finds it.
        const repeat =
          error instanceof ProviderUnavailableError ||
          (error instanceof ValidationError && error.field === 'idempotencyKey') ||
          (error instanceof Error && /external_id/i.test(error.message));
        if (!repeat) throw error;
        const hit = await findByExternalId(keys.externalId).catch(() => null);
        if (hit) return hit;
        throw error;
      }
    },
    findCreatedPayout: (cmd) => findByExternalId(straddleKeys(cmd.idempotencyKey).externalId),
    getPayout: async (id) => payout(await client.getPayout(id)),
    listPayouts,
    cancelPayout: async (id) => payout(await client.cancelPayout(id, 'Cancelled through the payout gateway')),
    holdPayout: async (id, reason) => payout(await client.holdPayout(id, reason)),
    releasePayout: async (id, reason) =>
      payout(await client.releasePayout(id, reason ?? 'Released through the payout gateway')),
    async updatePayout(id, changes) {
      // Straddle's update replaces amount, description and payment_date together.
      const now = await client.getPayout(id);
      if (changes.amount && changes.amount.currency !== 'USD') {
        throw new ValidationError('amount.currency', 'Straddle pays out in USD only.');
      }
      return payout(
        await client.updatePayout(id, {
          amount: changes.amount?.minor ?? now.amount,
          description: changes.description ?? now.description ?? null,
          // Straddle refuses a past payment_date: an unsent payout whose date has gone by goes today.
          payment_date: changes.scheduledFor ?? maxDate(now.payment_date, easternDate(new Date())),
        }),
      );
    },

    getBankAccount: async (id) => (await withHolders([await client.getPaykey(id)]))[0]!,
    async listBankAccounts(query) {
      // Paykeys are listed by page number too; a position is (page, index) as for payouts.
      const [page, skip] = decode(query.afterId);
      const res = await client.listPaykeys(page, PAGE_SIZE);
      const slice = res.data.slice(skip, skip + query.limit);
      const more = page < res.meta.total_pages;
      return {
        items: await withHolders(slice),
        positions: slice.map((_, i) =>
          encodePosition(skip + i + 1 === res.data.length && more ? [page + 1, 0] : [page, skip + i + 1]),
        ),
        hasMore: skip + slice.length < res.data.length || more,
      };
    },
    async createBankAccount(cmd) {
      const routing = (cmd.routingNumber ?? '').replace(/\s/g, '');
      if (!isValidRoutingNumber(routing)) {
        throw new ValidationError(
          'routingNumber',
          'An ABA routing number is 9 digits with a valid checksum.',
        );
      }
      const account = (cmd.accountNumber ?? '').replace(/\s/g, '');
      if (!/^\d{4,17}$/.test(account))
        throw new ValidationError('accountNumber', 'A US account number is 4–17 digits.');
      if (!cmd.email) throw new ValidationError('email', 'Straddle needs the customer’s email.');
      if (!cmd.phone || !/^\+[1-9]\d{1,14}$/.test(cmd.phone)) {
        throw new ValidationError(
          'phone',
          'Straddle needs the customer’s phone number in E.164 form, e.g. +12125550123.',
        );
      }
      if (cmd.currency !== 'USD' || cmd.country !== 'US') {
        throw new ValidationError('currency', 'Straddle accounts are US accounts in USD.');
      }
      const keys = straddleKeys(`bank-account\0${cmd.idempotencyKey}`);
      const customer = await client.createCustomer(
        {
          name: cmd.holderName,
          type: (cmd.customerType ?? 'INDIVIDUAL').toLowerCase(),
          email: cmd.email,
          phone: cmd.phone,
          device: { ip_address: cmd.clientIp ?? '0.0.0.0' },
        },
        keys.idempotencyKey,
      );
      const paykey = await client.createPaykey(
        {
          customer_id: customer.id,
          routing_number: routing,
          account_number: account,
          account_type: (cmd.accountType ?? 'CHECKING').toLowerCase(),
        },
        `${keys.idempotencyKey.slice(0, 36)}-pk`,
      );
      await deps.records.put(HOLDERS, paykey.id, cmd.holderName);
      return toBankAccount(paykey, cmd.holderName);
    },
    async unmaskAccountNumber(id) {
      const unmasked = await client.unmaskedPaykey(id);
      return unmasked.bank_data?.account_number ?? null;
    },

    async ping() {
      await client.listPaykeys(1, 1);
    },
    health: () => http.health(),
    close: () => http.close(),
  };
}

const env = {
  STRADDLE_API_KEY: z.string().min(1).optional(),
  STRADDLE_BASE_URL: z.url().default('https://production.straddle.com'),
  /** `whsec_…`, the Standard Webhooks secret of the Straddle webhook endpoint. */
  STRADDLE_WEBHOOK_SECRET: z
    .string()
    .startsWith('whsec_', 'must be a Standard Webhooks secret (whsec_…)')
    .optional(),
};

export const straddle: ProviderModule<typeof env> = {
  name: 'STRADDLE',
  displayName: 'Straddle',
  capabilities: STRADDLE_CAPABILITIES,
  env,
  liveSettings(e) {
    if (!e.STRADDLE_API_KEY) return null;
    return {
      apiKey: e.STRADDLE_API_KEY,
      baseUrl: e.STRADDLE_BASE_URL,
      webhookSecret: e.STRADDLE_WEBHOOK_SECRET ?? null,
    };
  },
  sandbox: {
    port: 4104,
    start: (port) => startStraddleSimulator({ port }),
    credentials: (e) => ({ apiKey: e.STRADDLE_API_KEY ?? `sandbox_${randomBytes(16).toString('hex')}` }),
  },
  createAdapter: createStraddleAdapter,
  // Standard Webhooks: HMAC over "{id}.{timestamp}.{body}", 5 minutes' tolerance, compared in
  // constant time by the library.
  verifyWebhook(raw, headers, secret) {
    try {
      new Webhook(secret).verify(raw, {
        'webhook-id': headers.get('webhook-id') ?? '',
        'webhook-timestamp': headers.get('webhook-timestamp') ?? '',
        'webhook-signature': headers.get('webhook-signature') ?? '',
      });
      return true;
    } catch {
      return false;
    }
  },
};
