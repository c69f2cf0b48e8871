// Only imports: each file defines its types with their queries and mutations.
import { builder } from './builder.ts';
import './scalars.ts';
import './enums.ts';
import './errors.ts';
import './money.ts';
import './bank-account.ts';
import './payout.ts';
import './balance.ts';
import './provider.ts';
import './payout-events.ts';

builder.queryType({});
builder.mutationType({});

export const schema = builder.toSchema({ sortSchema: true });
