// The floor of the fan-out scenario: the least a Node server does to push one message to N open
// connections, with the gateway's wire formats (a `text/event-stream` response per subscriber, and
// graphql-transport-ws over WebSocket) and none of its work (no GraphQL, no ledger, no Redis).
// POST /publish sends its body to every subscriber as one `next` result.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { gcPauses, memory, ready, serve } from './ipc.ts';

const streams = new Set<ServerResponse>();
const sockets = new Map<WebSocket, string>();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/publish') {
      const data = Buffer.concat(chunks).toString('utf8');
      const sse = `event: next\ndata: ${data}\n\n`;
      for (const stream of streams) stream.write(sse);
      for (const [socket, id] of sockets) socket.send(`{"id":"${id}","type":"next","payload":${data}}`);
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"published":true}');
      return;
    }
    // Anything else is a subscription over SSE.
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(':\n\n');
    streams.add(res);
    res.on('close', () => streams.delete(res));
  });
});
const wss = new WebSocketServer({ server, path: '/graphql' });
wss.on('connection', (socket) => {
  socket.on('message', (raw) => {
    const message = JSON.parse(String(raw)) as { type: string; id?: string };
    if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    else if (message.type === 'subscribe' && message.id) sockets.set(socket, message.id);
  });
  socket.on('close', () => sockets.delete(socket));
});

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serve(
  {
    listeners: () => ({ listeners: streams.size + sockets.size }),
    stats: () => ({ ...memory(), listeners: streams.size + sockets.size }),
    gc: () => gcPauses(),
  },
  async () => {
    for (const socket of wss.clients) socket.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  },
);

ready({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
