// `tsx bench/micro.ts`: in-process throughput and heap growth of a few hot paths (yoga.fetch, no
// sockets), for comparing changes on one machine. The gateway-against-providers suite is run.ts.
import { randomBytes } from 'node:crypto';
import { startApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { SCOPES } from '../src/context.ts';
import { parseAmount } from '../src/domain/money.ts';

const key = `bench_${randomBytes(12).toString('hex')}`;
const silent = { info() {}, warn() {}, error() {} };
const app = await startApp(
  loadConfig({ PORT: '0', HOST: '127.0.0.1', GATEWAY_API_KEYS: JSON.stringify({ [key]: SCOPES }) }),
  silent,
);

async function gql(query: string, variables: object = {}) {
  const res = await app.gateway.yoga.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

async function measure(name: string, iterations: number, run: (i: number) => unknown) {
  for (let i = 0; i < Math.min(20, iterations); i++) await run(i); // warm up
  global.gc?.();
  const heap = process.memoryUsage().heapUsed;
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await run(i);
  const ms = performance.now() - start;
  const grown = (process.memoryUsage().heapUsed - heap) / 1024 / 1024;
  console.log(
    `${name.padEnd(44)} ${(iterations / (ms / 1000)).toFixed(0).padStart(9)} ops/s   heap ${grown >= 0 ? '+' : ''}${grown.toFixed(1)} MiB`,
  );
}

const accounts = (await gql('{ bankAccounts(provider: CASAPAY) { edges { node { id currency } } } }')) as {
  bankAccounts: { edges: { node: { id: string; currency: string } }[] };
};
const gbp = accounts.bankAccounts.edges.find((e) => e.node.currency === 'GBP')!.node.id;
const create = `mutation($input: CreatePayoutInput!) { createPayout(input: $input) { __typename } }`;

await measure('parseAmount("11500.00", GBP)', 200_000, () => parseAmount('11500.00', 'GBP', 'amount'));
await measure('createPayout (CasaPay)', 500, (i) =>
  gql(create, {
    input: {
      provider: 'CASAPAY',
      amount: { amount: '1.00', currency: 'GBP' },
      destinationId: gbp,
      idempotencyKey: `b${i}`,
    },
  }),
);
await measure('payouts(first: 20) with destinations', 500, () =>
  gql(
    '{ payouts(first: 20, filter: { provider: CASAPAY }) { edges { node { id status amount { amount } destination { last4 } } } } }',
  ),
);
await measure('payouts(first: 20) across providers', 500, () =>
  gql('{ payouts(first: 20) { edges { node { id provider status } } pageInfo { endCursor } } }'),
);

await app.close();
