// Two gateway instances on one Redis: reads and creates spread over both, and an event that
// arrives at one instance delivered to subscribers of the other (Redis pub/sub).
import type { Bench } from '../lib/bench.ts';
import { warmUp, type LoadResult } from '../lib/load.ts';
import { LOAD_HEAD, loadRows, type LoadRow } from '../lib/report.ts';
import { ms } from '../lib/stats.ts';
import { gatewayCreate } from './create.ts';
import { checkFanout, fanout, FANOUT_HEAD, fanoutRow, webhookRounds } from './fanout.ts';

const PAYOUT = `query One($id: ID!) { payout(id: $id) { id status providerStatus amount { amount currency } createdAt } }`;

export async function twoInstancesScenario(b: Bench): Promise<void> {
  const s = b.report.scenario('two-instances', 'Two instances on one Redis', [
    `Instances A and B: two gateway processes with the same \`REDIS_URL\` (and key prefix), \`GATEWAY_VAULT_KEY\`, API keys and webhook secrets${b.pin.enabled ? `, both pinned to CPU ${b.pin.gatewayCpu}` : ''}. Load is spread over both (autocannon splits its connections between the two URLs).`,
    'Compared with instance A alone, measured just before under the same conditions, and with the floor.',
    'Cross-instance fan-out: subscribers on B, the webhook sent to A; the event reaches B through Redis pub/sub.',
  ]);
  const second = await b.startGateway('gateway-b');
  try {
    const both = [b.url, second.ready.url as string];
    const id = b.fixtures.pagePayouts[0]!;
    const variables = { id: b.globalId('Payout', 'CASAPAY', id) };
    const rows: LoadRow[] = [];
    const measure = async (
      label: string,
      target: Parameters<Bench['measure']>[1],
      baseline?: LoadResult,
      two = false,
    ) => {
      const r = await b.measure(
        `two-instances ${label}`,
        target,
        b.spec(b.opts.connections, b.opts.seconds, two ? b.watch(b.gateway, second) : b.watch(b.gateway)),
      );
      rows.push({ label, ...r, ...(baseline ? { baseline } : {}) });
      return r.result;
    };
    const floor =
      b.shared.payoutFloorThroughput ??
      (await measure('floor: GET /v1/payouts/:id', {
        url: `${b.casapay.url}/v1/payouts/${id}`,
        headers: b.casapay.headers,
      }));
    if (b.shared.payoutFloorThroughput)
      rows.push({ label: 'floor: GET /v1/payouts/:id (from `payout`)', result: floor });
    // B is new (and A too when this scenario runs alone): warm both first, twice the warm-up, so
    // that no figure is a cold instance's.
    await warmUp(b.graphql(both, PAYOUT, variables), b.opts.connections, 2 * b.opts.warmup);
    await warmUp(gatewayCreate(b, both, b.fixtures.accounts[0]!), b.opts.connections, 2 * b.opts.warmup);
    const one = await measure(
      'payout(id), instance A alone',
      b.graphql(b.url, PAYOUT, variables, '"payout":{'),
      floor,
    );
    const two = await measure(
      'payout(id), A + B',
      b.graphql(both, PAYOUT, variables, '"payout":{'),
      floor,
      true,
    );
    const destination = b.fixtures.accounts[0]!;
    const createOne = await measure('createPayout, instance A alone', gatewayCreate(b, b.url, destination));
    await measure('createPayout, A + B', gatewayCreate(b, both, destination), createOne, true);
    b.report.table(s, {
      title: 'Throughput (ratios of the creates are to instance A alone)',
      head: LOAD_HEAD,
      rows: loadRows(rows),
    });
    b.report.note(
      s,
      `payout(id): A + B ${Math.round(two.rps)} req/s against A alone ${Math.round(one.rps)} req/s on the same core${b.pin.enabled ? '' : 's'}.`,
    );

    const count = Math.min(1000, Math.max(...b.opts.subscribers));
    const rounds = await webhookRounds(b, b.opts.rounds + 1, b.url);
    const cross = await fanout(b, {
      transport: 'sse',
      count,
      server: second,
      rounds,
      counted: [b.gateway, second],
    });
    checkFanout(b, `two-instances fan-out ${count}`, cross);
    const same = b.shared.fanout?.get(`sse ${count}`);
    b.report.table(s, {
      title: `Fan-out across instances: ${count} SSE subscribers on B, webhooks to A`,
      head: FANOUT_HEAD.slice(0, -1),
      rows: [fanoutRow('gateway B (event from A)', cross).slice(0, -1)],
    });
    if (same)
      b.report.note(
        s,
        `Same-instance fan-out to ${count} SSE subscribers (from \`fanout\`): last p99 ${ms(same.last.p99)} ms; across instances ${ms(cross.last.p99)} ms.`,
      );
  } finally {
    await second.stop();
  }
}
