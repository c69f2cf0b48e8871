// Balances API (read side): list, get and the `primary` alias. Only organisation access tokens get
// here (auth.ts). Balances are seeded per account in store.ts and only change through payouts and
// the test helpers; the live-mode account has none.
import type { SimResponse } from '../http.ts';
import type { AuthedRequest, MollieContext } from './context.ts';
import { HAL_JSON, MollieHttpError, notFound } from './errors.ts';
import { listLinks, paginate, parseLimit } from './pagination.ts';
import { serializeBalance } from './serialize.ts';
import { findBalance } from './store.ts';

export function listBalances(ctx: MollieContext, req: AuthedRequest): SimResponse {
  const limit = parseLimit(req.query);
  const currency = req.query.get('currency');
  if (currency !== null && currency !== '' && !/^[A-Z]{3}$/.test(currency)) {
    throw new MollieHttpError(
      400,
      `Invalid currency '${currency}': use a three-letter ISO 4217 code.`,
      'currency',
    );
  }
  // Newest first, as in the spec's list example (a 2022 CHF balance listed before a 2019 EUR one).
  const all = [...req.account.balances]
    .filter((b) => !currency || b.currency === currency)
    .sort((a, b) => b.createdAt - a.createdAt);
  const page = paginate(all, req.query.get('from'), limit);
  return {
    status: 200,
    contentType: HAL_JSON,
    body: {
      count: page.items.length,
      _embedded: { balances: page.items.map((b) => serializeBalance(ctx, b, true)) },
      _links: listLinks(
        ctx.baseUrl(),
        '/v2/balances',
        req.query,
        page,
        limit,
        'https://docs.mollie.com/reference/list-balances',
      ),
    },
  };
}

export function getBalance(ctx: MollieContext, req: AuthedRequest): SimResponse {
  const id = req.params.id ?? '';
  const balance = findBalance(req.account, id);
  if (!balance) return notFound('balance', id);
  return { status: 200, contentType: HAL_JSON, body: serializeBalance(ctx, balance) };
}

export function getPrimaryBalance(ctx: MollieContext, req: AuthedRequest): SimResponse {
  // The first seeded balance (EUR) is the account's primary balance; live mode has none.
  const primary = req.account.balances[0];
  if (!primary) return notFound('balance', 'primary');
  return { status: 200, contentType: HAL_JSON, body: serializeBalance(ctx, primary) };
}
