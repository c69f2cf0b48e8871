// Reads: payout(id) (one provider call), a page of 50 payouts with their destinations (batched, and
// with batching turned off), and nodes(ids:) of 50 Token.io payouts (one provider call).
import type { GcPauses } from '../children/ipc.ts';
import type { Bench } from '../lib/bench.ts';
import type { HttpTarget, LoadResult } from '../lib/load.ts';
import type { Child } from '../lib/procs.ts';
import { warmUp } from '../lib/load.ts';
import { instructionsPerOp, LOAD_HEAD, loadRows, type LoadRow } from '../lib/report.ts';
import { int, ms, ratio } from '../lib/stats.ts';

const PAYOUT = `query One($id: ID!) { payout(id: $id) { id status providerStatus amount { amount currency } createdAt } }`;
const PAGE = `query Page { payouts(first: 50, filter: { provider: CASAPAY }) {
  edges { node { id status amount { amount currency } destination { id holderName last4 } } }
  pageInfo { hasNextPage endCursor } } }`;
const NODES = `query Many($ids: [ID!]!) { nodes(ids: $ids) { id ... on Payout { status providerStatus amount { amount currency } } } }`;

/** Low-load (one connection) and throughput rows for each variant, each against the floor. */
async function lowAndThroughput(
  b: Bench,
  name: string,
  variants: {
    label: string;
    target: Parameters<Bench['measure']>[1];
    /** The gateway instance (or reference server) under test, in the gateway's columns; null: floor. */
    gateway: Child | null;
    connections: number;
    /** Around this variant's runs (e.g. switch batching off, then on again). */
    before?: () => Promise<void>;
    after?: () => Promise<void>;
  }[],
) {
  const low: LoadRow[] = [];
  const high: LoadRow[] = [];
  /** Per variant, the serving process's GC pauses during its low-load run. */
  const lowGc: (GcPauses | undefined)[] = [];
  for (const mode of ['low', 'high'] as const) {
    if (mode === 'low' && b.opts.latencySeconds <= 0) continue;
    let floor: LoadResult | undefined;
    for (const v of variants) {
      const connections = mode === 'low' ? 1 : v.connections;
      const seconds = mode === 'low' ? b.opts.latencySeconds : b.opts.seconds;
      await v.before?.();
      const { result, calls, gc } = await b
        .measure(
          `${name} ${v.label} (${mode === 'low' ? 'low load' : 'throughput'})`,
          v.target,
          b.spec(connections, seconds, v.gateway ? b.watch(v.gateway) : b.watch(), v.gateway ?? undefined),
        )
        .finally(() => v.after?.());
      if (mode === 'low') lowGc.push(gc);
      floor ??= result;
      (mode === 'low' ? low : high).push({
        label: v.label,
        result,
        calls,
        ...(v.gateway ? { baseline: floor } : {}),
      });
    }
  }
  return { low, high, lowGc };
}

function tables(b: Bench, s: ReturnType<Bench['report']['scenario']>, low: LoadRow[], high: LoadRow[]) {
  if (low.length)
    b.report.table(s, { title: 'Low load (1 connection)', head: LOAD_HEAD, rows: loadRows(low) });
  b.report.table(s, { title: 'Throughput', head: LOAD_HEAD, rows: loadRows(high) });
}

export async function payoutScenario(b: Bench): Promise<void> {
  const s = b.report.scenario('payout', '`payout(id)`: one provider call', [
    'Gateway: `payout(id:)` of a CasaPay payout (id, status, providerStatus, amount, createdAt).',
    'Floor: the request the CasaPay adapter makes for it, `GET /v1/payouts/:id`, sent to the simulator directly.',
    "Reference, yoga alone: graphql-yoga with no provider call, no Redis and no plugins (`createServer(createYoga(…))`, a schema whose `payout(id:)` returns a constant object; bench/children/yoga-alone.ts) answering the same query on the gateway's core, i.e. the ceiling of the HTTP + GraphQL stack on this core (its CPU and Minstr/op are in the gateway's columns).",
  ]);
  const id = b.fixtures.pagePayouts[0]!;
  const variables = { id: b.globalId('Payout', 'CASAPAY', id) };
  const gateway = b.graphql(b.url, PAYOUT, variables, '"payout":{');
  // The reference server starts while the gateway warms up (nothing is measured then).
  const yogaStarting = b.startYogaAlone();
  yogaStarting.catch(() => {});
  let yoga: Child | null = null;
  let rows: Awaited<ReturnType<typeof lowAndThroughput>>;
  try {
    // The first scenario meets a cold instance: load it at full speed first (twice the warm-up), as
    // the one-connection warm-up of the latency run alone leaves the JIT only half done.
    await warmUp(gateway, b.opts.connections, 2 * b.opts.warmup);
    yoga = await yogaStarting;
    const reference = b.graphql(yoga.ready.url as string, PAYOUT, variables, '"payout":{');
    let cold = true;
    rows = await lowAndThroughput(b, 'payout', [
      {
        label: 'floor: GET /v1/payouts/:id',
        target: { url: `${b.casapay.url}/v1/payouts/${id}`, headers: b.casapay.headers },
        gateway: null,
        connections: b.opts.connections,
      },
      {
        label: 'gateway: payout(id)',
        target: gateway,
        gateway: b.gateway,
        connections: b.opts.connections,
      },
      {
        label: 'reference: yoga alone (static resolver)',
        target: reference,
        gateway: yoga,
        connections: b.opts.connections,
        // Cold as well: the same full-speed warm-up as the gateway's, just before its first run.
        before: async () => {
          if (cold) await warmUp(reference, b.opts.connections, 2 * b.opts.warmup);
          cold = false;
        },
      },
    ]);
  } finally {
    await yoga?.stop();
  }
  const { low, high, lowGc } = rows;
  tables(b, s, low, high);
  // What the low-load p99 is made of: a request that meets a collection waits it out.
  for (const [i, gc] of lowGc.entries()) {
    const row = low[i];
    if (!gc || !row) continue;
    b.report.note(
      s,
      `${row.label}, low load: ${int(gc.count)} GC pauses in ${int(row.result.ok)} requests (one per ${int(row.result.ok / Math.max(gc.count, 1))}; ${int(gc.major)} full), ${int(gc.overMs)} of 1 ms or more, the longest ${ms(gc.maxMs)} ms, ${((gc.totalMs / 1000 / b.opts.latencySeconds) * 100).toFixed(1)}% of the time.`,
    );
  }
  const [floorLow, gwLow] = [low[0]?.result, low[1]?.result];
  const [floorHigh, gwHigh, yogaHigh] = [high[0]!.result, high[1]!.result, high[2]!.result];
  b.shared.payoutLow = gwLow;
  b.shared.payoutFloorLow = floorLow;
  b.shared.payoutThroughput = gwHigh;
  b.shared.payoutFloorThroughput = floorHigh;
  if (floorLow && gwLow) {
    const add50 = gwLow.latency.p50 - floorLow.latency.p50;
    const add99 = gwLow.latency.p99 - floorLow.latency.p99;
    b.report.note(
      s,
      `At low load the gateway adds ${ms(add50)} ms at the median and ${ms(add99)} ms at p99.`,
    );
    b.report.target(
      'the gateway adds ≤ 1 ms at the median to a single `payout(id)` at low load',
      `+${ms(add50)} ms (gateway ${ms(gwLow.latency.p50)} ms, floor ${ms(floorLow.latency.p50)} ms)`,
      add50 <= 1,
    );
    b.report.target(
      'the gateway adds ≤ 3 ms at p99 to a single `payout(id)` at low load',
      `+${ms(add99)} ms (gateway ${ms(gwLow.latency.p99)} ms, floor ${ms(floorLow.latency.p99)} ms)`,
      add99 <= 3,
    );
  } else {
    b.report.target(
      'the gateway adds ≤ 1 ms (p50) / ≤ 3 ms (p99) to `payout(id)` at low load',
      'no low-load run',
      null,
    );
  }
  // The gateway process's instructions per request are all beyond the floor: the floor's figure is the
  // simulator's own work, which the gateway's one provider call causes there as well.
  const gwInstr = instructionsPerOp(gwHigh);
  b.report.note(
    s,
    `gateway instructions per payout(id) beyond the floor: ${gwInstr} M (the gateway instance's own, throughput run${gwLow ? `; ${instructionsPerOp(gwLow)} M at low load` : ''}; the floor's ${instructionsPerOp(floorHigh)} M per \`GET /v1/payouts/:id\` is the simulator's own work, shown separately; graphql-yoga alone: ${instructionsPerOp(yogaHigh)} M).`,
  );
  // Per gateway core: requests per second of gateway CPU time, so that a gateway the load generator
  // could not saturate is not under-counted (and one that used more than a core is not over-counted).
  const perCore = (r: LoadResult) => {
    const core = r.cpu.gateway ?? Number.NaN;
    return { core, rps: r.rps / Math.max(core / 100, 0.01) };
  };
  const gw = perCore(gwHigh);
  const ref = perCore(yogaHigh);
  b.report.note(
    s,
    `Throughput: ${int(gwHigh.rps)} req/s with the gateway's core ${int(gw.core)}% busy, i.e. ${int(gw.rps)} req/s per gateway core; graphql-yoga alone (static resolver): ${int(yogaHigh.rps)} req/s with the same core ${int(ref.core)}% busy, i.e. ${int(ref.rps)} req/s per core (the gateway: ${ratio(gw.rps, ref.rps)} of it).`,
  );
  b.report.target(
    '≥ 4,000 `payout(id)` requests per second per gateway core',
    `${int(gw.rps)} req/s per core (${int(gwHigh.rps)} req/s at ${int(gw.core)}% of its core); graphql-yoga alone with a static resolver: ${int(ref.rps)} req/s per core`,
    gw.rps >= 4000,
  );
}

export async function pageScenario(b: Bench): Promise<void> {
  const s = b.report.scenario('page', 'A page of 50 payouts with their destinations', [
    `Gateway: \`payouts(first: 50, filter: { provider: CASAPAY })\` with each payout's \`destination { id holderName last4 }\`; the 50 payouts go to ${b.opts.pageDestinations} distinct CasaPay bank accounts.`,
    '"batched": the gateway as it is: the list asks CasaPay to send each payout\'s bank account with it (`expand[]=data.destination`, because the query reads `destination`) and the accounts fill the request\'s DataLoader, so the page is one provider call.',
    '"unbatched": the same instance with its DataLoaders loading every key on its own, uncached (a bench-only emulation switched over IPC, see bench/README.md): the accounts that came with the list are not used, one read per payout.',
    'Floor: what a careful direct client does: the one call `GET /v1/payouts?limit=50&expand[]=data.destination`.',
    "Reference, yoga alone: the same query answered by graphql-yoga alone (as in `payout`) from a constant page of 50 payouts over 5 bank accounts, on the gateway's core: what the HTTP + GraphQL stack itself costs for this page.",
  ]);
  const floor = {
    url: `${b.casapay.url}/v1/payouts?limit=50&expand%5B%5D=data.destination`,
    headers: b.casapay.headers,
  };
  const batching = async (on: boolean) => {
    const answer = await b.gateway.ask<{ error?: string }>({ type: 'batching', on });
    if (answer.error) throw new Error(answer.error);
  };
  const gatewayPage: Parameters<Bench['measure']>[1] = b.graphql(b.url, PAGE, {}, '"destination":{');
  const yoga = await b.startYogaAlone();
  const reference = b.graphql(yoga.ready.url as string, PAGE, {}, '"destination":{');
  let low: LoadRow[];
  let high: LoadRow[];
  let cold = true;
  try {
    ({ low, high } = await lowAndThroughput(b, 'page', [
      {
        label: 'floor: list with destinations',
        target: floor,
        gateway: null,
        connections: b.opts.pageConnections,
      },
      {
        label: 'gateway: batched',
        target: gatewayPage,
        gateway: b.gateway,
        connections: b.opts.pageConnections,
      },
      // The same instance and query, with batching switched off for the run.
      {
        label: 'gateway: unbatched',
        target: gatewayPage,
        gateway: b.gateway,
        connections: b.opts.pageConnections,
        before: () => batching(false),
        after: () => batching(true),
      },
      {
        label: 'reference: yoga alone (static resolver)',
        target: reference,
        gateway: yoga,
        connections: b.opts.pageConnections,
        before: async () => {
          if (cold) await warmUp(reference, b.opts.pageConnections, b.opts.warmup);
          cold = false;
        },
      },
    ]));
  } finally {
    await batching(true);
    await yoga.stop();
  }
  tables(b, s, low, high);

  const batchedLow = low[1]?.result;
  const yogaLow = low[3]?.result;
  const single = b.shared.payoutLow;
  if (batchedLow && single) {
    const times = batchedLow.latency.p50 / single.latency.p50;
    // The stack's own share: yoga alone serving the same page from constants.
    const stack = yogaLow
      ? `; graphql-yoga alone, the same page from constants: ${ms(yogaLow.latency.p50)} ms, ${(yogaLow.latency.p50 / single.latency.p50).toFixed(2)}× the gateway's payout(id)`
      : '';
    b.report.target(
      'the batched 50-payout page costs < 1.5× a single `payout(id)` (median latency at low load)',
      `${times.toFixed(2)}× (page ${ms(batchedLow.latency.p50)} ms, payout(id) ${ms(single.latency.p50)} ms${stack})`,
      times < 1.5,
    );
  } else
    b.report.target(
      'the batched 50-payout page costs < 1.5× a single `payout(id)`',
      'needs both low-load runs',
      null,
    );
  const single2 = b.shared.payoutThroughput;
  if (single2)
    b.report.note(
      s,
      `By throughput, a batched page costs ${ratio(single2.rps, high[1]!.result.rps)} a payout(id) (req/s of payout(id) ÷ req/s of the page); unbatched ${ratio(single2.rps, high[2]!.result.rps)}.`,
    );
  if (b.opts.providerLatencyMs > 0) await pageAtProviderLatency(b, gatewayPage);
}

export async function nodesScenario(b: Bench): Promise<void> {
  const s = b.report.scenario('nodes', '`nodes(ids:)` of 50 Token.io payouts: one provider call', [
    'Gateway: `nodes(ids:)` with the global ids of 50 Token.io payouts (status, providerStatus, amount).',
    'Floor: the one request the Token.io adapter makes for them, `GET /payouts?limit=50&ids=…` (50 ids), signed as in production (a JWS per request, Ed25519).',
  ]);
  const ids = b.fixtures.tokenioPayouts;
  const query = new URLSearchParams([
    ['limit', String(ids.length)],
    ...ids.map((id) => ['ids', id]),
  ]).toString();
  // One signature serves the whole run: it is bound to the request and valid five minutes.
  const authorization = await b.tokenio.authorization('GET', '/payouts', query);
  const { low, high } = await lowAndThroughput(b, 'nodes', [
    {
      label: 'floor: GET /payouts?ids=…',
      target: { url: `${b.tokenio.url}/payouts?${query}`, headers: { authorization } },
      gateway: null,
      connections: b.opts.connections,
    },
    {
      label: 'gateway: nodes(ids:)',
      target: b.graphql(
        b.url,
        NODES,
        { ids: ids.map((id) => b.globalId('Payout', 'TOKENIO', id)) },
        '"nodes":[',
      ),
      gateway: b.gateway,
      connections: b.opts.connections,
    },
  ]);
  tables(b, s, low, high);
  // The poller may add a call now and then (the payouts were just completed at the simulator).
  const calls = high[1]!.calls ?? '';
  const perOp = Number(/^TOKENIO ([\d.]+)$/.exec(calls)?.[1]);
  if (!(perOp < 1.2)) b.report.warn(`nodes(ids:) made ${calls} provider calls per request, not 1`);
}

/**
 * The page against payout(id) where provider round trips cost what they do in production: every
 * CasaPay answer is held back `providerLatencyMs` (the simulator's `latency` fault, on every request
 * for the run, the floor's too). With answers at once the comparison is of CPU (50 payouts' worth
 * of GraphQL against one); with latency, of round trips, which is what batching and the list's
 * `expand[]` save.
 */
async function pageAtProviderLatency(b: Bench, gatewayPage: HttpTarget): Promise<void> {
  const delay = b.opts.providerLatencyMs;
  const s = b.report.scenario(
    'page-latency',
    `The page against \`payout(id)\`, every CasaPay answer ${delay} ms late`,
    [
      `The same page, \`payout(id)\` and floors as above, one connection, with the CasaPay simulator holding back each answer ${delay} ms (its \`latency\` fault on every request during these runs): a provider round trip then costs what it does over a network, and the page's cost against a single read is that of its round trips.`,
    ],
  );
  const faults = `${b.casapay.url}/__sandbox/faults`;
  const control = async (method: 'POST' | 'DELETE', body?: object) => {
    const res = await fetch(faults, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${faults}: ${res.status} ${await res.text()}`);
  };
  const id = b.fixtures.pagePayouts[0]!;
  // `floor`: the row (by index) whose figures the gateway row's ratios are against.
  const variants: { label: string; target: HttpTarget; gateway: Child | null; floor?: number }[] = [
    {
      label: 'floor: GET /v1/payouts/:id',
      target: { url: `${b.casapay.url}/v1/payouts/${id}`, headers: b.casapay.headers },
      gateway: null,
    },
    {
      label: 'floor: list with destinations',
      target: {
        url: `${b.casapay.url}/v1/payouts?limit=50&expand%5B%5D=data.destination`,
        headers: b.casapay.headers,
      },
      gateway: null,
    },
    {
      label: 'gateway: payout(id)',
      target: b.graphql(b.url, PAYOUT, { id: b.globalId('Payout', 'CASAPAY', id) }, '"payout":{'),
      gateway: b.gateway,
      floor: 0,
    },
    { label: 'gateway: page, batched', target: gatewayPage, gateway: b.gateway, floor: 1 },
  ];
  const rows: LoadRow[] = [];
  await control('POST', { kind: 'latency', delayMs: delay, count: Number.MAX_SAFE_INTEGER });
  try {
    for (const v of variants) {
      const seconds = b.opts.latencySeconds || b.opts.seconds;
      const watch = v.gateway ? b.watch(v.gateway) : b.watch();
      const { result, calls } = await b.measure(
        `page-latency ${v.label}`,
        v.target,
        b.spec(1, seconds, watch),
      );
      rows.push({
        label: v.label,
        result,
        calls,
        ...(v.floor !== undefined ? { baseline: rows[v.floor]!.result } : {}),
      });
    }
  } finally {
    await control('DELETE');
  }
  b.report.table(s, { title: 'One connection', head: LOAD_HEAD, rows: loadRows(rows) });
  const [single, page] = [rows[2]!.result, rows[3]!.result];
  const times = page.latency.p50 / single.latency.p50;
  b.report.target(
    `the batched 50-payout page costs < 1.5× a single \`payout(id)\` (median latency, one connection, each provider answer ${delay} ms late)`,
    `${times.toFixed(2)}× (page ${ms(page.latency.p50)} ms, payout(id) ${ms(single.latency.p50)} ms)`,
    times < 1.5,
  );
}
