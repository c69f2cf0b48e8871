// Stripe's `expand[]`: a payout's `destination` id replaced by the bank account itself, so a client
// that shows payouts with their accounts makes one call instead of two. On a list the path is
// `data.destination`; Stripe refuses the bare field there, and any field it cannot expand, with a
// 400 naming it. Only `destination` is expandable here: the simulator keeps no balance transactions.
import { invalidRequest } from './errors.ts';
import type { Account, Payout } from './store.ts';

const EXPANDABLE = ['destination'] as const;

/** `expand[]=a&expand[0]=b` → the requested paths; throws Stripe's error for one it cannot expand. */
export function expansions(query: URLSearchParams, list: boolean): Set<(typeof EXPANDABLE)[number]> {
  const wanted = new Set<(typeof EXPANDABLE)[number]>();
  for (const [name, path] of query) {
    if (!isExpandParam(name)) continue;
    const field = list && path.startsWith('data.') ? path.slice('data.'.length) : path;
    const known = (EXPANDABLE as readonly string[]).includes(field);
    if (!known || (list && field === path)) {
      const hint = list && known ? ` You may want to try expanding 'data.${path}' instead.` : '';
      throw invalidRequest(`This property cannot be expanded (${path}).${hint}`);
    }
    wanted.add(field as (typeof EXPANDABLE)[number]);
  }
  return wanted;
}

export const isExpandParam = (name: string) => /^expand\[\d*\]$/.test(name);

/** The payout as sent: with its bank account in place of the id where it was asked for. */
export function expandPayout(account: Account, payout: Payout, wanted: ReadonlySet<string>): unknown {
  if (!wanted.has('destination')) return payout;
  const bankAccount = account.bankAccounts.get(payout.destination)?.object;
  return bankAccount ? { ...payout, destination: structuredClone(bankAccount) } : payout;
}
