// Settlement accounts ("virtual accounts" on the wire): GatewayService.CreateVirtualAccount,
// GetVirtualAccounts and GetVirtualAccountById. They are what payouts debit, and their balances
// are the gateway's balance view.
//
// Sandbox choices where the spec is silent: GBP accounts are UK accounts (country GB, sort code and
// account number); EUR accounts get an IBAN (and BIC) of their country, which must be a SEPA
// country. New accounts start ACTIVE with zero balances. `onBehalfOfId` is stored but does not
// filter the list: sub-TPPs are not modelled, so the seeded accounts stay visible to callers that
// always send one.
import { isSEPACountry } from 'ibantools';
import type { SimResponse } from '../http.ts';
import type { AuthedRequest, TokenioContext } from './context.ts';
import { invalidArgument, notFound } from './errors.ts';
import { newAccountId, newAccountNumber, newIban, newSortCode, sandboxBic } from './ids.ts';
import { isSupportedCurrency } from './money.ts';
import { decodeOffset, encodeOffset, jsonBody, optionalString, queryInteger } from './request.ts';
import { serializeVirtualAccount } from './serialize.ts';
import { findVirtualAccount, type VirtualAccountState } from './store.ts';

const MAX_LIMIT = 200;

/** PageInfo's rule: absent, 0 or above 200 means 200. */
function pageLimit(query: URLSearchParams): number {
  const limit = queryInteger(query, 'limit');
  if (limit !== null && limit < 0) throw invalidArgument(`Query parameter \`limit\` must not be negative.`);
  return limit === null || limit === 0 || limit > MAX_LIMIT ? MAX_LIMIT : limit;
}

/** Accounts are never removed and the list is in creation order, so an index is a stable offset. */
function pageStart(raw: string | null): number {
  if (raw === null || raw === '') return 0;
  const index = decodeOffset(raw, 'va');
  if (!/^\d{1,9}$/.test(index)) throw invalidArgument(`Invalid offset "${raw}".`);
  return Number(index);
}

export function listVirtualAccounts(_ctx: TokenioContext, req: AuthedRequest): SimResponse {
  const limit = pageLimit(req.query);
  const start = pageStart(req.query.get('offset'));
  const currency = req.query.get('currency') || null;
  const country = req.query.get('country') || null;
  const nickname = req.query.get('nickname') || null;
  const matching = req.account.virtualAccounts.filter(
    (v) =>
      (currency === null || v.currency === currency) &&
      (country === null || v.country === country) &&
      (nickname === null || v.accountNickName === nickname),
  );
  const page = matching.slice(start, start + limit);
  const offset = req.query.get('offset') || encodeOffset('va', String(start));
  const haveMore = start + page.length < matching.length;
  // PageInfo: nextOffset repeats this page's offset for an empty page, is empty when nothing follows.
  const nextOffset = haveMore ? encodeOffset('va', String(start + page.length)) : page.length ? '' : offset;
  return {
    status: 200,
    body: {
      virtualAccount: page.map(serializeVirtualAccount),
      pageInfo: { limit, offset, nextOffset, haveMore },
    },
  };
}

export function getVirtualAccount(_ctx: TokenioContext, req: AuthedRequest): SimResponse {
  const id = req.params.accountId ?? '';
  const found = findVirtualAccount(req.account, id);
  if (!found) throw notFound('Settlement account', id);
  return { status: 200, body: { virtualAccount: serializeVirtualAccount(found) } };
}

export function createVirtualAccount(ctx: TokenioContext, req: AuthedRequest): SimResponse {
  const body = jsonBody(req.rawBody);
  const { currency, country } = body;
  if (!isSupportedCurrency(currency)) {
    throw invalidArgument('`currency` must be GBP or EUR (the currencies of sandbox settlement accounts).');
  }
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
    throw invalidArgument('`country` must be a two-letter upper-case ISO 3166-1 alpha-2 code.');
  }
  const nickname = optionalString(body, 'accountNickName', 'accountNickName');
  if (nickname !== undefined && !/^[A-Za-z0-9_\- ]{1,50}$/.test(nickname)) {
    throw invalidArgument(
      '`accountNickName` may contain up to 50 letters, numbers, hyphens, underscores and spaces.',
    );
  }
  const onBehalfOfId = optionalString(body, 'onBehalfOfId', 'onBehalfOfId');
  const details = bankDetails(currency, country);
  const now = ctx.now();
  const account: VirtualAccountState = {
    accountId: newAccountId(),
    accountName: `Sandbox ${currency} settlement`,
    ...(nickname === undefined ? {} : { accountNickName: nickname }),
    ...(onBehalfOfId === undefined ? {} : { onBehalfOfId }),
    currency,
    country,
    ...details,
    status: 'ACTIVE',
    available: 0,
    cleared: 0,
    booked: 0,
    createdAt: now,
    updatedAt: now,
  };
  req.account.virtualAccounts.push(account);
  return { status: 200, body: { virtualAccount: serializeVirtualAccount(account) } };
}

function bankDetails(currency: string, country: string): Partial<VirtualAccountState> {
  if (currency === 'GBP') {
    if (country !== 'GB') throw invalidArgument('GBP settlement accounts are held in GB.');
    return { sortCode: newSortCode(), accountNumber: newAccountNumber() };
  }
  const iban = isSEPACountry(country) ? newIban(country) : null;
  if (iban === null) throw invalidArgument(`EUR settlement accounts need a SEPA country, not ${country}.`);
  return { iban, bic: sandboxBic(country) };
}
