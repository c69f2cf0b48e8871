// Payouts draw on the per-currency available balance the moment they are created; cancel and
// failure credit it back through a failure balance transaction, as Stripe does.
import { parseCurrency } from './bank-accounts.ts';
import type { Ctx, Handler } from './context.ts';
import { invalidParam, invalidRequest, noSuch } from './errors.ts';
import { expandPayout, expansions, isExpandParam } from './expand.ts';
import { inRange, PAGING_PARAMS, paginate, parseRange, rangeParamNames } from './list.ts';
import {
  optionalEnum,
  optionalString,
  parseMetadata,
  rejectUnknown,
  requiredPositiveInteger,
  requiredString,
} from './params.ts';
import { parseSandboxOutcome } from './sandbox-outcome.ts';
import { CURRENCIES, newId, PAYOUT_STATUSES, type Account, type Payout, type StoredPayout } from './store.ts';

const DAY = 24 * 60 * 60;

const CREATE_PARAMS = [
  'amount',
  'currency',
  'destination',
  'description',
  'method',
  'metadata',
  'source_type',
  'statement_descriptor',
];

export function findStoredPayout(account: Account, id: string): StoredPayout {
  const stored = account.payouts.get(id);
  if (!stored) throw noSuch('payout', id);
  return stored;
}

export function findPayout(account: Account, id: string): Payout {
  return findStoredPayout(account, id).object;
}

/** Puts the money back in the available balance, recorded as the payout's failure transaction. */
export function refund(account: Account, payout: Payout): void {
  account.available.set(payout.currency, (account.available.get(payout.currency) ?? 0) + payout.amount);
  payout.failure_balance_transaction = newId('txn_');
}

function parseStatementDescriptor(ctx: Ctx): string | null {
  const value = optionalString(ctx.params, 'statement_descriptor', 22);
  if (value !== null && /[<>\\'"*]/.test(value)) {
    throw invalidParam(
      'statement_descriptor',
      'Invalid statement_descriptor: it cannot contain < > \\ \' " or *.',
    );
  }
  return value;
}

export const createPayout: Handler = (ctx) => {
  const { params, account } = ctx;
  // The sandbox-only header first: a refused outcome never gets as far as the balance.
  const outcome = parseSandboxOutcome(ctx.req);
  rejectUnknown(Object.keys(params), CREATE_PARAMS);
  const amount = requiredPositiveInteger(params, 'amount');
  const currency = parseCurrency(requiredString(params, 'currency'), 'A payout currency');
  const destinationId = requiredString(params, 'destination');
  const method = optionalEnum(params, 'method', ['standard', 'instant'] as const) ?? 'standard';
  optionalEnum(params, 'source_type', ['bank_account'] as const);
  const description = optionalString(params, 'description', 5000);
  const metadata = parseMetadata(params);
  const statementDescriptor = parseStatementDescriptor(ctx);

  const destination = account.bankAccounts.get(destinationId)?.object;
  if (!destination) throw noSuch('bank account', destinationId, 'destination');
  if (destination.currency !== currency) {
    throw invalidParam(
      'currency',
      `The currency of the payout (${currency}) does not match the currency of the destination bank account ${destination.id} (${destination.currency}).`,
    );
  }
  const available = account.available.get(currency) ?? 0;
  if (available < amount) {
    throw invalidRequest(
      `You have insufficient funds in your CasaPay account for this transfer. Your available ${currency} balance (${available}) is lower than the payout amount (${amount}). You can use the /v1/balance endpoint to view your CasaPay balance.`,
      'balance_insufficient',
    );
  }

  account.available.set(currency, available - amount);
  const created = ctx.nowSeconds();
  const payout: Payout = {
    id: newId('po_'),
    object: 'payout',
    amount,
    arrival_date: method === 'instant' ? created : created + 2 * DAY,
    automatic: false,
    balance_transaction: newId('txn_'),
    created,
    currency,
    description,
    destination: destination.id,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata,
    method,
    original_payout: null,
    reconciliation_status: 'not_applicable',
    reversed_by: null,
    source_type: 'bank_account',
    statement_descriptor: statementDescriptor,
    status: 'pending',
    type: 'bank_account',
  };
  account.payouts.set(payout.id, { seq: ctx.store.nextSeq(), object: payout, outcome });
  ctx.emit('payout.created', payout);
  return payout;
};

export const retrievePayout: Handler = ({ req, account }) => {
  const wanted = expansions(req.query, false);
  return expandPayout(account, findPayout(account, req.params['id'] ?? ''), wanted);
};

const LIST_PARAMS = [
  ...PAGING_PARAMS,
  'status',
  'destination',
  ...rangeParamNames('created'),
  ...rangeParamNames('arrival_date'),
];

export const listPayouts: Handler = ({ req, account }) => {
  rejectUnknown(
    [...req.query.keys()].filter((name) => !isExpandParam(name)),
    LIST_PARAMS,
  );
  const wanted = expansions(req.query, true);
  const status = req.query.get('status');
  if (status !== null && !(PAYOUT_STATUSES as readonly string[]).includes(status)) {
    throw invalidParam('status', `Invalid status: must be one of ${PAYOUT_STATUSES.join(', ')}.`);
  }
  const destination = req.query.get('destination');
  const created = parseRange(req.query, 'created');
  const arrival = parseRange(req.query, 'arrival_date');
  const page = paginate({
    items: account.payouts,
    query: req.query,
    url: '/v1/payouts',
    kind: 'payout',
    rank: (s) => [s.object.created, s.seq],
    match: (p) =>
      (status === null || p.status === status) &&
      (destination === null || p.destination === destination) &&
      inRange(p.created, created) &&
      inRange(p.arrival_date, arrival),
  });
  return { ...page, data: page.data.map((p) => expandPayout(account, p, wanted)) };
};

export const cancelPayout: Handler = (ctx) => {
  rejectUnknown(Object.keys(ctx.params), []);
  const payout = findPayout(ctx.account, ctx.req.params['id'] ?? '');
  if (payout.status !== 'pending') {
    throw invalidRequest(
      `Payouts can only be canceled while they are pending. This payout is ${payout.status}.`,
      'payout_not_cancelable',
    );
  }
  cancel(ctx, payout);
  return payout;
};

/** What a cancel does, shared with the `canceled` sandbox outcome's advance (test-helpers.ts). */
export function cancel(ctx: Ctx, payout: Payout): void {
  payout.status = 'canceled';
  refund(ctx.account, payout);
  ctx.emit('payout.canceled', payout);
}

export const retrieveBalance: Handler = ({ account }) => {
  const amounts = (balances: Map<string, number>) =>
    CURRENCIES.filter((c) => balances.has(c)).map((currency) => {
      const amount = balances.get(currency) ?? 0;
      return { amount, currency, source_types: { bank_account: amount } };
    });
  return {
    object: 'balance',
    livemode: false,
    available: amounts(account.available),
    pending: amounts(account.pending),
  };
};
