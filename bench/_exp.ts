import { createServer } from 'node:http';
import { createYoga, createSchema } from 'graphql-yoga';
const mode = process.argv[2] ?? 'yoga';
const body = JSON.stringify({ data: { payout: { id: 'x', status: 'PAID', providerStatus: 'paid', amount: { value: '1.00', currency: 'GBP' }, createdAt: '2026-01-01T00:00:00Z' } } });
let server;
if (mode === 'bare') {
  server = createServer((req, res) => { let b=''; req.on('data', c => b += c); req.on('end', () => { JSON.parse(b); res.setHeader('content-type','application/json'); res.end(body); }); });
} else {
  const yoga = createYoga({ schema: createSchema({ typeDefs: 'type Money { value: String currency: String } type Payout { id: ID status: String providerStatus: String amount: Money createdAt: String } type Query { payout(id: ID!): Payout }', resolvers: { Query: { payout: (_: unknown, a: {id: string}) => ({ id: a.id, status: 'PAID', providerStatus: 'paid', amount: { value: '1.00', currency: 'GBP' }, createdAt: '2026-01-01T00:00:00Z' }) } } }), logging: false, landingPage: false, graphiql: false, ...(process.env.NOLIMIT ? { maxRequestBodySize: false } : {}) });
  server = createServer(yoga);
}
server.listen(4999, '127.0.0.1', () => console.log('ready'));
process.on('SIGINT', () => process.exit(0));
