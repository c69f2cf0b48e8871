// The payout and page scenarios' reference rows: graphql-yoga alone, as the gateway serves it
// (`createServer(createYoga(…))` from node:http) but with a tiny schema whose `payout(id:)` and
// `payouts(first:, filter:)` return constant objects of the shape the scenarios' queries select: no
// provider call, no Redis, no plugins, no logging, no body-size check. Its figures are the ceiling
// of the HTTP + GraphQL stack on the gateway's core.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { gcPauses, memory, ready, serve } from './ipc.ts';

// Like the gateway's answer for a CasaPay payout (the same fields; the id as long as a real one).
const PAYOUT = {
  id: 'UGF5b3V0OkNBU0FQQVk6cG9fYmVuY2gwMDAwMDAwMDAwMDAwMDAwMDAw',
  status: 'PENDING',
  providerStatus: 'pending',
  amount: { amount: '0.01', currency: 'GBP' },
  createdAt: '2026-01-01T00:00:00.000Z',
};

// The page: 50 payouts over 5 bank accounts, as the page scenario's fixtures are.
const ACCOUNTS = Array.from({ length: 5 }, (_, i) => ({
  id: `QmFua0FjY291bnQ6Q0FTQVBBWTpiYV9iZW5jaDAwMDAwMDAwMDAwMDAwMDA${i}`,
  holderName: `Bench Holder ${i}`,
  last4: `000${i}`,
}));
const PAGE = {
  edges: Array.from({ length: 50 }, (_, i) => ({
    cursor: `cursor${i}`,
    node: {
      ...PAYOUT,
      id: `${PAYOUT.id.slice(0, -2)}${String(i).padStart(2, '0')}`,
      destination: ACCOUNTS[i % 5],
    },
  })),
  pageInfo: { hasNextPage: true, endCursor: 'cursor49' },
};

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    enum PayoutStatus {
      PENDING
      PROCESSING
      PAID
      FAILED
      CANCELED
    }
    type Money {
      amount: String!
      currency: String!
    }
    enum ProviderName {
      CASAPAY
    }
    type BankAccount {
      id: ID!
      holderName: String!
      last4: String!
    }
    type Payout {
      id: ID!
      status: PayoutStatus!
      providerStatus: String!
      amount: Money
      createdAt: String!
      destination: BankAccount
    }
    type PayoutEdge {
      cursor: String!
      node: Payout!
    }
    type PageInfo {
      hasNextPage: Boolean!
      endCursor: String
    }
    type PayoutConnection {
      edges: [PayoutEdge!]!
      pageInfo: PageInfo!
    }
    input PayoutFilter {
      provider: ProviderName
    }
    type Query {
      payout(id: ID!): Payout
      payouts(first: Int, filter: PayoutFilter): PayoutConnection!
    }
  `,
  resolvers: { Query: { payout: () => PAYOUT, payouts: () => PAGE } },
});

// `maxRequestBodySize: false` as in the gateway, which checks the body's size its own cheaper way
// (src/limits.ts requestBodyLimit): yoga's stream-based limit alone would cap this row at ~1/3.
const yoga = createYoga({
  schema,
  logging: false,
  landingPage: false,
  graphiql: false,
  maxRequestBodySize: false,
});
const server = createServer(yoga);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serve({ stats: () => memory(), gc: () => gcPauses() }, async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

ready({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
