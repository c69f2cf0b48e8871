// Subscribing as a frontend does: graphql-sse's client over HTTP (yoga's default transport, its
// "distinct connections" mode) and graphql-ws's client over a WebSocket. Each collects what it
// receives; `next(n)` waits for n results in all.
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { expect } from 'vitest';

export interface Received<T> {
  results: { data?: T; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }[];
  /** Resolves once `count` results have arrived (or fails after the timeout). */
  next(count: number, timeoutMs?: number): Promise<Received<T>['results']>;
  /** The subscription's end: completed, or the error that ended it. */
  done: Promise<unknown>;
  close(): void;
}

export type Transport = 'sse' | 'ws';

export function subscribe<T = Record<string, unknown>>(
  transport: Transport,
  baseUrl: string,
  key: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Received<T> {
  const results: Received<T>['results'] = [];
  let finish!: (value: unknown) => void;
  const done = new Promise((resolve) => (finish = resolve));
  const sink = {
    next: (r: Received<T>['results'][number]) => void results.push(r),
    error: (e: unknown) => finish(e),
    complete: () => finish('complete'),
  };
  let close: () => void;
  if (transport === 'sse') {
    const client = createSseClient({
      url: `${baseUrl}/graphql`,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      retryAttempts: 0,
    });
    const stop = client.subscribe({ query, variables }, sink as never);
    close = () => {
      stop();
      client.dispose();
    };
  } else {
    const client = createWsClient({
      url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: key ? { authorization: `Bearer ${key}` } : {},
      retryAttempts: 0,
      lazy: true,
    });
    const stop = client.subscribe({ query, variables }, sink as never);
    close = () => {
      stop();
      void client.dispose();
    };
  }
  return {
    results,
    done,
    async next(count, timeoutMs = 8000) {
      await expect
        .poll(() => results.length, { timeout: timeoutMs, interval: 10 })
        .toBeGreaterThanOrEqual(count);
      return results;
    },
    close: () => close(),
  };
}
