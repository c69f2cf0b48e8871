// The shared transport against a bare HTTP server: Retry-After is waited out when it fits in an
// attempt and not otherwise, and the concurrency cap refuses what neither runs nor fits in the queue.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderUnavailableError } from '../../src/domain/errors.ts';
import { ProviderHttpClient } from '../../src/providers/http.ts';
import { TEST_TRANSPORT } from '../helpers/deps.ts';

let server: Server | null = null;
let client: ProviderHttpClient | null = null;
afterEach(async () => {
  await client?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

async function serve(handler: (n: number, res: ServerResponse) => void) {
  const arrivals: number[] = [];
  server = createServer((_req, res) => {
    arrivals.push(Date.now());
    handler(arrivals.length, res);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

const make = (url: string, settings: Partial<typeof TEST_TRANSPORT>) =>
  (client = new ProviderHttpClient({
    provider: 'CASAPAY',
    baseUrl: url,
    headers: {},
    ...TEST_TRANSPORT,
    ...settings,
  }));

describe('ProviderHttpClient', () => {
  it('waits out a Retry-After that fits in an attempt, then retries', async () => {
    const { url, arrivals } = await serve((n, res) => {
      res.writeHead(n === 1 ? 429 : 200, { 'retry-after': '1', 'content-type': 'application/json' });
      res.end('{}');
    });
    const res = await make(url, { timeoutMs: 1500, retries: 1 }).send({
      method: 'GET',
      path: '/x',
      retryable: true,
    });
    expect(res.status).toBe(200);
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(950);
  });

  it('does not wait out a Retry-After longer than an attempt: the 429 is the answer', async () => {
    const { url, arrivals } = await serve((_n, res) => {
      res.writeHead(429, { 'retry-after': '30', 'content-type': 'application/json' });
      res.end('{}');
    });
    const res = await make(url, { timeoutMs: 500, retries: 2 }).send({
      method: 'GET',
      path: '/x',
      retryable: true,
    });
    expect(res).toMatchObject({ status: 429, retryAfterMs: 30_000 });
    expect(arrivals).toHaveLength(1);
  });

  it('never re-sends a request that is not retryable', async () => {
    const { url, arrivals } = await serve((_n, res) => {
      res.writeHead(503);
      res.end('{}');
    });
    await make(url, { retries: 3 }).send({ method: 'POST', path: '/x', retryable: false });
    expect(arrivals).toHaveLength(1);
  });

  it('caps requests in flight: as many again wait, the rest are refused at once', async () => {
    const { url, arrivals } = await serve((_n, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }, 200);
    });
    const c = make(url, { maxConcurrency: 2, timeoutMs: 2000 });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => c.send({ method: 'GET', path: '/x', retryable: true })),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(ProviderUnavailableError);
    expect(arrivals).toHaveLength(4);
  });
});
