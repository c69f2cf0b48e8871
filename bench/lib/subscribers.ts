// Many subscribers of one subscription, over SSE (POST with `Accept: text/event-stream`, yoga's
// default transport) or WebSocket (graphql-transport-ws), each on its own connection. A message is
// timestamped as soon as its bytes are read; a round's event is recognised by strings it must hold
// (its payout id and status), so that a late or unrelated event is never taken for it.
import { request } from 'node:http';
import WebSocket from 'ws';

export type Transport = 'sse' | 'ws';

interface Client {
  /** When this round's event arrived (NaN: not yet). */
  at: number;
  close(): void;
}

export interface Subscribers {
  readonly size: number;
  /** Connections that failed or ended early. */
  readonly failures: string[];
  /** Messages that were not the awaited event (with one of them). */
  readonly extra: { count: number; sample: string | null };
  /** Starts a round: the event every subscriber must now receive holds all of `markers`. */
  expect(markers: string[]): void;
  /** Resolves once every subscriber has this round's event, or at the timeout. */
  waitAll(timeoutMs: number): Promise<void>;
  /** When each subscriber got this round's event, minus `t0` (NaN: it did not). */
  latencies(t0: number): number[];
  close(): void;
}

export interface SubscribeOptions {
  transport: Transport;
  /** The server's base URL (`http://127.0.0.1:port`). */
  url: string;
  apiKey: string;
  query: string;
  count: number;
  /** Connections opened at once while connecting. */
  concurrency?: number;
}

export async function subscribe(options: SubscribeOptions): Promise<Subscribers> {
  const clients: Client[] = [];
  const failures: string[] = [];
  const extra = { count: 0, sample: null as string | null };
  let markers: string[] | null = null;
  let matched = 0;
  let waiter: (() => void) | null = null;
  const arrived = (client: Client, raw: string, at: number) => {
    if (markers && Number.isNaN(client.at) && markers.every((m) => raw.includes(m))) {
      client.at = at;
      if (++matched === clients.length) waiter?.();
      return;
    }
    extra.count++;
    extra.sample ??= raw.slice(0, 300);
  };
  const open = options.transport === 'sse' ? openSse : openWs;
  const concurrency = options.concurrency ?? 100;
  for (let i = 0; i < options.count; i += concurrency) {
    const batch = Math.min(concurrency, options.count - i);
    clients.push(
      ...(await Promise.all(
        Array.from({ length: batch }, () => open(options, arrived, (why) => failures.push(why))),
      )),
    );
  }
  return {
    size: clients.length,
    failures,
    extra,
    expect(next) {
      markers = next;
      matched = 0;
      for (const c of clients) c.at = Number.NaN;
    },
    waitAll(timeoutMs) {
      if (matched === clients.length) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiter = null;
          resolve();
        }, timeoutMs);
        waiter = () => {
          clearTimeout(timer);
          waiter = null;
          resolve();
        };
      });
    },
    latencies: (t0) => clients.map((c) => c.at - t0),
    close() {
      for (const c of clients) c.close();
    },
  };
}

type Arrived = (client: Client, raw: string, at: number) => void;

function openSse(options: SubscribeOptions, arrived: Arrived, fail: (why: string) => void): Promise<Client> {
  const url = new URL('/graphql', options.url);
  const body = JSON.stringify({ query: options.query });
  return new Promise<Client>((resolve) => {
    let closing = false;
    const client: Client = {
      at: Number.NaN,
      close: () => {
        closing = true;
        req.destroy();
      },
    };
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: `Bearer ${options.apiKey}`,
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        if (res.statusCode !== 200) {
          fail(`SSE subscription answered HTTP ${res.statusCode}`);
          res.resume();
        }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const at = performance.now();
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (message.startsWith('event: next')) arrived(client, message, at);
            else if (message.startsWith('event: complete')) fail('SSE subscription completed early');
          }
        });
        res.on('close', () => {
          if (!closing) fail('SSE connection closed early');
        });
        resolve(client);
      },
    );
    req.on('error', (error) => {
      if (!closing) fail(`SSE: ${error.message}`);
      resolve(client);
    });
    req.end(body);
  });
}

function openWs(options: SubscribeOptions, arrived: Arrived, fail: (why: string) => void): Promise<Client> {
  const url = new URL('/graphql', options.url);
  url.protocol = 'ws:';
  return new Promise<Client>((resolve) => {
    let closing = false;
    const socket = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
    const client: Client = {
      at: Number.NaN,
      close: () => {
        closing = true;
        socket.terminate();
      },
    };
    socket.on('open', () =>
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${options.apiKey}` } }),
      ),
    );
    socket.on('message', (data) => {
      const at = performance.now();
      const text = String(data);
      const head = text.slice(0, 40);
      if (head.includes('"next"')) arrived(client, text, at);
      else if (head.includes('"connection_ack"')) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: options.query } }));
        resolve(client);
      } else if (head.includes('"error"') || head.includes('"complete"'))
        fail(`WebSocket: ${text.slice(0, 200)}`);
    });
    socket.on('close', (code) => {
      if (!closing) fail(`WebSocket closed early (${code})`);
      resolve(client);
    });
    socket.on('error', (error) => {
      if (!closing) fail(`WebSocket: ${error.message}`);
      resolve(client);
    });
  });
}
