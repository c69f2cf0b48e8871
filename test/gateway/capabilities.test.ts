// `providers` in the graph and README's capability table say the same: a change to an adapter's
// capabilities that README does not follow fails here.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const Capabilities = graphql(`
  query Capabilities {
    operations: __type(name: "ProviderOperation") {
      enumValues {
        name
      }
    }
    providers {
      provider
      displayName
      enabled
      currencies
      operations
      statusSource
      webhooks
      health {
        circuit
        inFlight
      }
    }
  }
`);

// Live mode answers no introspection: this one asks for the providers only.
const Enabled = graphql(`
  query Enabled {
    providers {
      provider
      enabled
      operations
      health {
        circuit
      }
    }
  }
`);

/** README's "Capabilities at a glance" table: row label → provider display name → cell. */
async function readmeTable(): Promise<Map<string, Map<string, string>>> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('<!-- capabilities -->');
  const end = readme.indexOf('<!-- /capabilities -->');
  expect(start, 'README marks its capability table').toBeGreaterThan(0);
  const rows = readme
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  const [header, , ...body] = rows;
  const providers = header!.slice(1);
  return new Map(
    body.map((r) => [r[0]!.replace(/`/g, ''), new Map(providers.map((p, i) => [p, r[i + 1]!]))]),
  );
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('providers', () => {
  it('lists every provider: enabled, currencies, operations, status source and health', async () => {
    const { providers } = (await t.exec(Capabilities)).data!;
    expect(providers.map((p) => p.provider)).toEqual(['CASAPAY', 'MOLLIE', 'TOKENIO', 'STRADDLE']);
    for (const p of providers) {
      expect(p.enabled, p.provider).toBe(true);
      expect(p.currencies.length, p.provider).toBeGreaterThan(0);
      expect(p.operations, p.provider).toContain('CREATE_PAYOUT');
      expect(p.statusSource).toBe(p.webhooks ? 'WEBHOOK' : 'POLLING');
      expect(p.health).toEqual({ circuit: 'CLOSED', inFlight: 0 });
    }
  });

  it('says a provider without credentials is not enabled, and has no health', async () => {
    const live = await startTestApp('memory', {
      GATEWAY_MODE: 'live',
      CASAPAY_API_KEY: 'sk_test_capabilities',
      CASAPAY_BASE_URL: 'http://127.0.0.1:9',
    });
    try {
      const { providers } = (await live.exec(Enabled)).data!;
      expect(providers.map((p) => [p.provider, p.enabled, p.health !== null])).toEqual([
        ['CASAPAY', true, true],
        ['MOLLIE', false, false],
        ['TOKENIO', false, false],
        ['STRADDLE', false, false],
      ]);
      // Capabilities are still described, so a client can see what enabling one would offer.
      expect(providers.every((p) => p.operations.length > 0)).toBe(true);
    } finally {
      await live.close();
    }
  });

  it('matches README’s capability table', async () => {
    const { providers, operations } = (await t.exec(Capabilities)).data!;
    const table = await readmeTable();
    const expected = new Map<string, Map<string, string>>([
      ['currencies', new Map(providers.map((p) => [p.displayName, p.currencies.join(', ')]))],
      [
        'status changes from',
        new Map(providers.map((p) => [p.displayName, p.statusSource === 'WEBHOOK' ? 'webhooks' : 'polling'])),
      ],
      ...operations!.enumValues!.map(
        ({ name: op }) =>
          [
            op,
            new Map(providers.map((p) => [p.displayName, p.operations.includes(op as never) ? 'yes' : '—'])),
          ] as [string, Map<string, string>],
      ),
    ]);
    expect(table).toEqual(expected);
  });
});
