// One status event fanned out to many subscribers, over SSE and over WebSocket: from the moment the
// bench sends the provider's signed webhook to the gateway, to each subscriber's delivery.
import type { GcPauses } from '../children/ipc.ts';
import type { Bench } from '../lib/bench.ts';
import { minstr, startCounting } from '../lib/perf.ts';
import type { Child } from '../lib/procs.ts';
import type { ScenarioReport } from '../lib/report.ts';
import { ms, kib, ratio, Samples, type Summary } from '../lib/stats.ts';
import { subscribe, type Transport } from '../lib/subscribers.ts';

export const SUBSCRIPTION = `subscription Watch { payoutStatusChanged(provider: CASAPAY) {
  cursor sequence status previousStatus occurredAt source
  payout { id providerPayoutId status amount { amount currency } } } }`;

export interface FanoutResult {
  transport: Transport;
  count: number;
  /** Every subscriber's delivery time over every round (ms after the webhook was sent). */
  delivery: Summary;
  /** Per round: the last subscriber's delivery. */
  last: Summary;
  /**
   * The first event after the subscribers connected, which is not in the figures above: a cold
   * round (each connection's first write, code paths not yet compiled), as the warm-up of a load run.
   */
  firstLastMs: number;
  /** Per round: the webhook's answer. */
  ack: Summary;
  heapPerConnection: number;
  rssPerConnection: number;
  /** Instructions of the counted processes over the rounds (NaN: not counted). */
  instructions: number;
  missing: number;
  /** Messages that were none of the rounds' events (e.g. a backlog of earlier announcements). */
  extra: number;
  sample?: string;
  failures: string[];
  /** The server's GC pauses in the round whose last delivery was slowest (the p99's round). */
  slowestRound: { index: number; lastMs: number; gc: GcPauses } | null;
}

interface Round {
  /** Sends the event; resolves when the sender has its answer. */
  send(): Promise<void>;
  /** Strings the delivered message must hold. */
  markers: string[];
}

/** Signed CasaPay webhooks, each a real status change of a payout made at the simulator. */
export async function webhookRounds(b: Bench, count: number, gatewayUrl: string): Promise<Round[]> {
  const rounds: Round[] = [];
  while (rounds.length < count) {
    const created = await b.casapay.createPayout(b.fixtures.accounts[0]!, rounds.length);
    for (const status of ['PROCESSING', 'PAID']) {
      const payout = await b.casapay.advance(created.id as string);
      const { body, headers } = b.casapay.webhook(payout);
      rounds.push({
        markers: [`"providerPayoutId":"${created.id as string}"`, `"status":"${status}"`],
        send: async () => {
          const res = await fetch(`${gatewayUrl}/webhooks/casapay`, { method: 'POST', headers, body });
          const text = await res.text();
          if (res.status !== 200) b.report.problem(`webhook answered ${res.status}: ${text.slice(0, 200)}`);
        },
      });
    }
  }
  return rounds.slice(0, count);
}

/** The floor's rounds: the same payload a gateway subscriber gets, published as is. */
function floorRounds(floorUrl: string, count: number): Round[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `po_floor_${i}`;
    const payload = JSON.stringify({
      data: {
        payoutStatusChanged: {
          cursor: `${Date.now()}-${i}`,
          sequence: 2,
          status: 'PAID',
          previousStatus: 'PROCESSING',
          occurredAt: new Date().toISOString(),
          source: 'WEBHOOK',
          payout: {
            id: Buffer.from(`Payout:CASAPAY:${id}`).toString('base64'),
            providerPayoutId: id,
            status: 'PAID',
            amount: { amount: '0.01', currency: 'GBP' },
          },
        },
      },
    });
    return {
      markers: [`"providerPayoutId":"${id}"`],
      send: async () => {
        const res = await fetch(`${floorUrl}/publish`, { method: 'POST', body: payload });
        await res.text();
      },
    };
  });
}

/**
 * Opens `count` subscribers on `subscribeTo`, measures the memory they cost there, then runs each
 * round: send, wait for every delivery, record.
 */
export async function fanout(
  b: Bench,
  options: {
    transport: Transport;
    count: number;
    /** The process that holds the subscriptions (memory and listener counts are read from it). */
    server: Child;
    /** The first is the warm-up round: timed, reported apart, not in the figures. */
    rounds: Round[];
    /** The processes whose instructions are counted over the rounds (default: the server). */
    counted?: Child[];
  },
): Promise<FanoutResult> {
  const { transport, count, server, rounds } = options;
  const url = server.ready.url as string;
  const before = await server.ask<{ heapUsed: number; rss: number; listeners: number }>({ type: 'stats' });
  const subscribers = await subscribe({ transport, url, apiKey: b.creds.apiKey, query: SUBSCRIPTION, count });
  const failures = subscribers.failures;
  try {
    if (!(await b.listeners(server, before.listeners + count, 30_000)))
      failures.push(`only some of the ${count} ${transport} subscriptions became live`);
    const after = await server.ask<{ heapUsed: number; rss: number }>({ type: 'stats' });
    const delivery = new Samples();
    const last = new Samples();
    const ack = new Samples();
    let missing = 0;
    // The instructions of the server (or of every instance the event crosses) over the rounds.
    const counting = await startCounting(
      new Map((options.counted ?? [server]).map((c) => [c.pid, 'server'])),
    );
    let instructions = Number.NaN;
    let slowestRound: FanoutResult['slowestRound'] = null;
    let firstLastMs = Number.NaN;
    try {
      for (const [index, round] of rounds.entries()) {
        await server.ask({ type: 'gc' });
        await new Promise((r) => setTimeout(r, 20));
        subscribers.expect(round.markers);
        const t0 = performance.now();
        const sent = round.send().then(() => index > 0 && ack.push(performance.now() - t0));
        await subscribers.waitAll(10_000);
        await sent;
        let slowest = 0;
        const times = subscribers.latencies(t0);
        for (const t of times) if (Number.isNaN(t)) missing++;
        for (const t of times) slowest = Math.max(slowest, Number.isNaN(t) ? 0 : t);
        if (index === 0) {
          firstLastMs = slowest;
          continue;
        }
        for (const t of times) if (!Number.isNaN(t)) delivery.push(t);
        last.push(slowest);
        const gc = await server.ask<GcPauses>({ type: 'gc' });
        if (!slowestRound || slowest > slowestRound.lastMs)
          slowestRound = { index: last.count - 1, lastMs: slowest, gc };
      }
    } finally {
      instructions = (await counting.stop()).server ?? Number.NaN;
    }
    return {
      transport,
      count,
      delivery: delivery.summary(),
      last: last.summary(),
      ack: ack.summary(),
      heapPerConnection: (after.heapUsed - before.heapUsed) / count,
      rssPerConnection: (after.rss - before.rss) / count,
      instructions,
      missing,
      extra: subscribers.extra.count,
      ...(subscribers.extra.sample ? { sample: subscribers.extra.sample } : {}),
      failures,
      slowestRound,
      firstLastMs,
    };
  } finally {
    subscribers.close();
    if (!(await b.listeners(server, before.listeners, 15_000)))
      b.report.warn(`${server.label} still counts subscribers after ${transport} clients closed`);
  }
}

export const FANOUT_HEAD = [
  'server',
  'transport',
  'subscribers',
  'events',
  'delivery p50 ms',
  'delivery p99 ms',
  'last p50 ms',
  'last p99 ms',
  'first event last ms',
  'webhook answer p50 ms',
  'heap/conn KiB',
  'RSS/conn KiB',
  'Minstr/event',
  'last p99 ÷ floor',
];

export function fanoutRow(label: string, r: FanoutResult, floor?: FanoutResult): string[] {
  return [
    label,
    r.transport === 'sse' ? 'SSE' : 'WebSocket',
    String(r.count),
    String(r.last.n),
    ms(r.delivery.p50),
    ms(r.delivery.p99),
    ms(r.last.p50),
    ms(r.last.p99),
    ms(r.firstLastMs),
    ms(r.ack.p50),
    kib(r.heapPerConnection),
    kib(r.rssPerConnection),
    minstr(r.instructions, r.last.n),
    floor ? ratio(r.last.p99, floor.last.p99) : 'floor',
  ];
}

export function checkFanout(b: Bench, label: string, r: FanoutResult): void {
  if (r.missing) b.report.problem(`${label}: ${r.missing} deliveries missing`);
  if (r.extra)
    b.report.warn(
      `${label}: ${r.extra} messages were none of the measured events, e.g. ${JSON.stringify(r.sample)}`,
    );
  for (const f of [...new Set(r.failures)].slice(0, 5)) b.report.problem(`${label}: ${f}`);
  b.report.raw[label] = r;
}

export async function fanoutScenario(b: Bench, floor: Child): Promise<void> {
  const s: ScenarioReport = b.report.scenario('fanout', 'A status event fanned out to many subscribers', [
    "Gateway: N subscribers of `payoutStatusChanged(provider: CASAPAY)`, each on its own connection (SSE: `POST /graphql` with `Accept: text/event-stream`; WebSocket: graphql-transport-ws). Each round, the bench sends CasaPay's signed `payout.updated` webhook for a real status change to `/webhooks/casapay` and times every delivery from the moment it sends it (the gateway receives it within loopback time): verification, ledger commit, event log append and announcement (Redis pub/sub when on Redis), then one GraphQL execution per query and API key, shared by its subscribers, and a write per subscriber.",
    'Floor: a bare Node server on the same core pushing the same payload to the same number of connections, in the same wire formats, with no GraphQL, ledger or Redis (bench/children/fanout-floor.ts).',
    "Memory per connection: the serving process's heap and resident memory after a full GC, with the subscribers connected minus before, divided by N.",
    "Subscribers run in the bench process on the load generator's core: their own reading is part of the time measured, for the gateway and the floor alike.",
  ]);
  const rows: string[][] = [];
  b.shared.fanout = new Map();
  for (const count of b.opts.subscribers) {
    for (const transport of ['sse', 'ws'] as const) {
      const label = `fan-out ${transport} ${count}`;
      const f = await fanout(b, {
        transport,
        count,
        server: floor,
        rounds: floorRounds(floor.ready.url as string, b.opts.rounds + 1),
      });
      checkFanout(b, `${label} floor`, f);
      const g = await fanout(b, {
        transport,
        count,
        server: b.gateway,
        rounds: await webhookRounds(b, b.opts.rounds + 1, b.url),
      });
      checkFanout(b, `${label} gateway`, g);
      console.log(
        `  ${label}: gateway delivery p50 ${ms(g.delivery.p50)} p99 ${ms(g.delivery.p99)}, last p99 ${ms(g.last.p99)} ms; floor last p99 ${ms(f.last.p99)} ms`,
      );
      rows.push(fanoutRow('floor', f), fanoutRow('gateway', g, f));
      // What the slowest round (the last-delivery p99 over a few rounds) spent in garbage collection.
      for (const [server, r] of [
        ['floor', f],
        ['gateway', g],
      ] as const)
        if (r.slowestRound)
          b.report.note(
            s,
            `${server}, ${transport === 'sse' ? 'SSE' : 'WebSocket'}, ${count}: the slowest round (number ${r.slowestRound.index + 1} of ${r.last.n}, last delivery ${ms(r.slowestRound.lastMs)} ms) held ${r.slowestRound.gc.count} GC pauses, ${ms(r.slowestRound.gc.totalMs)} ms in all (${r.slowestRound.gc.major} full, the longest ${ms(r.slowestRound.gc.maxMs)} ms).`,
          );
      b.shared.fanout.set(`${transport} ${count}`, { delivery: g.delivery, last: g.last });
      if (count === 1000)
        b.report.target(
          `1,000 subscribers all receive an event within 150 ms at p99 (${transport === 'sse' ? 'SSE' : 'WebSocket'}: the last subscriber's delivery, p99 over ${g.last.n} events)`,
          `${ms(g.last.p99)} ms (every delivery: p50 ${ms(g.delivery.p50)} ms, p99 ${ms(g.delivery.p99)} ms)`,
          g.last.p99 <= 150,
        );
    }
  }
  b.report.table(s, {
    title: 'Fan-out: time from the webhook sent to each delivery',
    head: FANOUT_HEAD,
    rows,
  });
  if (!b.opts.subscribers.includes(1000))
    b.report.target(
      '1,000 subscribers all receive an event within 150 ms at p99',
      'not measured (no 1,000-subscriber run)',
      null,
    );
}
