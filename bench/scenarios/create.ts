// createPayout with the idempotency store on Redis, against CasaPay's create with its own
// Idempotency-Key; and the idempotency store's own round trips, timed directly.
import { randomBytes } from 'node:crypto';
import { createRedisState } from '../../src/state/redis.ts';
import type { Bench } from '../lib/bench.ts';
import type { HttpTarget } from '../lib/load.ts';
import { LOAD_HEAD, loadRows, type LoadRow } from '../lib/report.ts';
import { ms, Samples } from '../lib/stats.ts';

const CREATE = `mutation Create($input: CreatePayoutInput!) { createPayout(input: $input) {
  __typename ... on CreatePayoutSuccess { payout { id status } } ... on Error { code message } } }`;

let counter = 0;
const uniqueKey = () => `bench-${process.pid}-${(counter++).toString(36)}-${randomBytes(4).toString('hex')}`;

function gatewayCreate(b: Bench, urls: string | string[], destination: string): HttpTarget {
  const base = b.graphql(urls, CREATE, {}, 'CreatePayoutSuccess');
  const template = JSON.stringify({
    query: CREATE,
    variables: {
      input: {
        provider: 'CASAPAY',
        amount: { amount: '0.01', currency: 'GBP' },
        destinationId: b.globalId('BankAccount', 'CASAPAY', destination),
        idempotencyKey: '@KEY@',
      },
    },
  });
  return {
    ...base,
    body: template,
    setup: (req) => ({ ...req, body: template.replace('@KEY@', uniqueKey()) }),
  };
}

export { gatewayCreate };

export async function createScenario(b: Bench): Promise<void> {
  const s = b.report.scenario('create', '`createPayout` with the idempotency store on Redis', [
    `Gateway: \`createPayout\` of 0.01 GBP to a CasaPay bank account, a new \`idempotencyKey\` each time; state (idempotency, status ledger, event log, rate limit) in ${b.opts.state === 'redis' ? 'Redis' : 'memory (BENCH_STATE=memory)'}.`,
    'Floor: the request the CasaPay adapter makes, `POST /v1/payouts` with a new `Idempotency-Key` each time.',
    'Idempotency store: `reserve` + `complete` of src/state/redis.ts (the store calls of one create), timed directly from the bench process, one after the other.',
  ]);
  const destination = b.fixtures.accounts[0]!;
  const floor: HttpTarget = {
    url: `${b.casapay.url}/v1/payouts`,
    method: 'POST',
    headers: { ...b.casapay.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 1, currency: 'gbp', destination }),
    setup: (req) => ({ ...req, headers: { ...req.headers, 'idempotency-key': uniqueKey() } }),
  };
  // Redis against memory, at low load only (the smoke run has no low-load runs).
  const memory =
    b.opts.state === 'redis' && b.opts.latencySeconds > 0
      ? await b.startGateway('gateway-memory', {}, 'memory')
      : null;
  try {
    const low: LoadRow[] = [];
    const high: LoadRow[] = [];
    if (b.opts.latencySeconds > 0) {
      const f = await b.measure(
        'create floor (low load)',
        floor,
        b.spec(1, b.opts.latencySeconds, b.watch()),
      );
      low.push({ label: 'floor: POST /v1/payouts', ...f });
      const g = await b.measure(
        'create gateway (low load)',
        gatewayCreate(b, b.url, destination),
        b.spec(1, b.opts.latencySeconds, b.watch(b.gateway)),
      );
      low.push({ label: `gateway: createPayout (${b.opts.state})`, ...g, baseline: f.result });
      if (memory) {
        const m = await b.measure(
          'create gateway, memory state (low load)',
          gatewayCreate(b, memory.ready.url as string, destination),
          b.spec(1, b.opts.latencySeconds, b.watch(memory)),
        );
        low.push({ label: 'gateway: createPayout (memory state)', ...m, baseline: f.result });
        b.report.note(
          s,
          `Redis state instead of memory adds ${ms(g.result.latency.p50 - m.result.latency.p50)} ms at the median (idempotency, ledger commit with its event-log append and announcement, rate limit).`,
        );
      }
      b.report.table(s, { title: 'Low load (1 connection)', head: LOAD_HEAD, rows: loadRows(low) });
    }
    const f = await b.measure(
      'create floor (throughput)',
      floor,
      b.spec(b.opts.connections, b.opts.seconds, b.watch()),
    );
    high.push({ label: 'floor: POST /v1/payouts', ...f });
    const g = await b.measure(
      'create gateway (throughput)',
      gatewayCreate(b, b.url, destination),
      b.spec(b.opts.connections, b.opts.seconds, b.watch(b.gateway)),
    );
    high.push({ label: `gateway: createPayout (${b.opts.state})`, ...g, baseline: f.result });
    b.shared.createThroughput = g.result;
    b.report.table(s, { title: 'Throughput', head: LOAD_HEAD, rows: loadRows(high) });
  } finally {
    await memory?.stop();
  }

  if (b.opts.state !== 'redis') {
    b.report.target('the idempotency store adds ≤ 0.5 ms', 'not measured: state in memory', null);
    return;
  }
  // The store's own cost on the create path: reserve (claim the key) and complete (record the result).
  const state = await createRedisState(b.opts.redisUrl, `${b.statePrefix}store-bench:`);
  try {
    const samples = new Samples();
    const value = JSON.stringify({
      id: 'po_bench',
      status: 'PENDING',
      amount: { minor: 1, currency: 'GBP' },
    });
    for (let i = 0; i < b.opts.storeSamples + 50; i++) {
      const key = randomBytes(32).toString('hex');
      const fingerprint = randomBytes(32).toString('hex');
      const started = performance.now();
      const r = await state.idempotency.reserve(key, fingerprint, 60);
      if (r.kind !== 'reserved') throw new Error(`reserve answered ${r.kind}`);
      await state.idempotency.complete(key, r.owner, fingerprint, value, 3600);
      if (i >= 50) samples.push(performance.now() - started);
    }
    const t = samples.summary();
    b.report.table(s, {
      title: 'Idempotency store on Redis: reserve + complete, one create',
      head: ['samples', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      rows: [[String(t.n), ms(t.p50, 3), ms(t.p90, 3), ms(t.p99, 3), ms(t.max, 3)]],
    });
    b.report.raw['idempotency store'] = t;
    b.report.target(
      'the idempotency store adds ≤ 0.5 ms (median of reserve + complete on Redis)',
      `${ms(t.p50, 3)} ms (p99 ${ms(t.p99, 3)} ms)`,
      t.p50 <= 0.5,
    );
  } finally {
    await state.close();
  }
}
