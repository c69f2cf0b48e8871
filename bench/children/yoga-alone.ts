// The payout scenario's reference row: graphql-yoga alone, as the gateway serves it
// (`createServer(createYoga(…))` from node:http) but with a tiny schema whose `payout(id:)` returns a
// constant object of the shape the scenario's query selects: no provider call, no Redis, no plugins,
// no logging, no body-size check. Its req/s per core is the ceiling of the HTTP + GraphQL stack on the gateway's core.
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
    type Payout {
      id: ID!
      status: PayoutStatus!
      providerStatus: String!
      amount: Money
      createdAt: String!
    }
    type Query {
      payout(id: ID!): Payout
    }
  `,
  resolvers: { Query: { payout: () => PAYOUT } },
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
