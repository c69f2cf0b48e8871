// Configuration is parsed at boot: a bad value stops the start with a message naming the variable.
// The last tests start the real process, as `npm start` does.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('defaults to sandbox mode on port 4000 with in-memory state', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      PORT: 4000,
      GATEWAY_MODE: 'sandbox',
      PROVIDER_TIMEOUT_MS: 10_000,
      GATEWAY_IDEMPOTENCY_RETENTION_HOURS: 168,
      GATEWAY_ROUTING: {
        GBP: ['CASAPAY', 'TOKENIO', 'MOLLIE'],
        EUR: ['MOLLIE', 'CASAPAY', 'TOKENIO'],
        USD: ['STRADDLE'],
      },
    });
    expect(loadConfig({ GATEWAY_ROUTING: '{"CHF": ["MOLLIE"]}' }).GATEWAY_ROUTING).toEqual({
      CHF: ['MOLLIE'],
    });
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.GATEWAY_API_KEYS).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ GATEWAY_MODE: 'production' }, 'GATEWAY_MODE'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ GATEWAY_API_KEYS: '{not json' }, 'GATEWAY_API_KEYS'],
    [{ GATEWAY_API_KEYS: '{"": ["payouts:read"]}' }, 'GATEWAY_API_KEYS'],
    [{ GATEWAY_API_KEYS: '{"k_ops_0123456789abcdef": ["payouts:delete"]}' }, 'GATEWAY_API_KEYS'],
    [{ CASAPAY_API_KEY: 'pk_test_123' }, 'CASAPAY_API_KEY'],
    [{ CASAPAY_BASE_URL: 'api.casapay.com' }, 'CASAPAY_BASE_URL'],
    [{ MOLLIE_API_KEY: 'sk_test_123' }, 'MOLLIE_API_KEY'],
    [{ PROVIDER_TIMEOUT_MS: '5' }, 'PROVIDER_TIMEOUT_MS'],
    // Not shorter than a provider's own idempotency window (24 hours at CasaPay and Mollie).
    [{ GATEWAY_IDEMPOTENCY_RETENTION_HOURS: '24' }, 'GATEWAY_IDEMPOTENCY_RETENTION_HOURS'],
    [{ PROVIDER_BREAKER_THRESHOLD: '0' }, 'PROVIDER_BREAKER_THRESHOLD'],
    [{ PROVIDER_MAX_CONCURRENCY: '0' }, 'PROVIDER_MAX_CONCURRENCY'],
    [{ GATEWAY_VAULT_KEY: 'too-short' }, 'GATEWAY_VAULT_KEY'],
    [{ GATEWAY_VAULT_KEY: Buffer.alloc(16).toString('base64') }, 'GATEWAY_VAULT_KEY'],
    [{ TOKENIO_MEMBER_ID: 'member-1' }, 'TOKENIO_MEMBER_ID'],
    [{ TOKENIO_PRIVATE_KEY: 'not a pem' }, 'TOKENIO_PRIVATE_KEY'],
    // Routing: JSON, currency codes to known providers that pay that currency.
    [{ GATEWAY_ROUTING: 'GBP=CASAPAY' }, 'GATEWAY_ROUTING'],
    [{ GATEWAY_ROUTING: '{"gbp": ["CASAPAY"]}' }, 'GATEWAY_ROUTING'],
    [{ GATEWAY_ROUTING: '{"GBP": ["PAYPAL"]}' }, 'GATEWAY_ROUTING'],
    [{ GATEWAY_ROUTING: '{"GBP": []}' }, 'GATEWAY_ROUTING'],
    [{ GATEWAY_ROUTING: '{"GBP": ["STRADDLE"]}' }, 'GATEWAY_ROUTING'],
  ])('refuses %j, naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n\\s+${name}:`));
  });

  it('never prints an API key when the key map is wrong', () => {
    expect(() =>
      loadConfig({ GATEWAY_API_KEYS: '{"k_secret_0123456789abcdef": ["payouts:delete"]}' }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('k_secret') }));
  });

  it('listens on loopback in sandbox mode and on every interface in live mode, unless HOST says otherwise', () => {
    const keys = '{"k_ops_0123456789abcdef": ["payouts:read"]}';
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ GATEWAY_MODE: 'live', GATEWAY_API_KEYS: keys }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('refuses live mode without API keys, and an empty key map', () => {
    expect(() => loadConfig({ GATEWAY_API_KEYS: '{}' })).toThrow(
      /GATEWAY_API_KEYS: must map at least one key/,
    );

    expect(() => loadConfig({ GATEWAY_MODE: 'live' })).toThrow(/GATEWAY_API_KEYS: required in live mode/);
  });

  it('refuses a live Mollie API key without its organisation token', () => {
    const live = { GATEWAY_MODE: 'live', GATEWAY_API_KEYS: '{"k_ops_0123456789abcdef": ["payouts:read"]}' };
    expect(() => loadConfig({ ...live, MOLLIE_API_KEY: 'live_abc' })).toThrow(
      /^Invalid configuration:\n\s+MOLLIE_ACCESS_TOKEN: required with MOLLIE_API_KEY/,
    );
    expect(
      loadConfig({ ...live, MOLLIE_API_KEY: 'live_abc', MOLLIE_ACCESS_TOKEN: 'access_abc' })
        .MOLLIE_ACCESS_TOKEN,
    ).toBe('access_abc');
    // The sandbox derives its own token.
    expect(() => loadConfig({ MOLLIE_API_KEY: 'test_abc' })).not.toThrow();
  });

  it('refuses live Token.io without request signing, or without a vault key', () => {
    const live = { GATEWAY_MODE: 'live', GATEWAY_API_KEYS: '{"k_ops_0123456789abcdef": ["payouts:read"]}' };
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const signing = {
      TOKENIO_MEMBER_ID: 'm:abc',
      TOKENIO_KEY_ID: 'k1',
      TOKENIO_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
    };
    const vault = { GATEWAY_VAULT_KEY: randomBytes(32).toString('base64') };
    expect(() => loadConfig({ ...live, ...vault, TOKENIO_API_KEY: 'basic' })).toThrow(
      /TOKENIO_API_KEY: Basic auth is for Token.io’s sandbox only/,
    );
    expect(() => loadConfig({ ...live, ...vault, TOKENIO_MEMBER_ID: 'm:abc' })).toThrow(
      /TOKENIO_KEY_ID: required with TOKENIO_MEMBER_ID[^]*TOKENIO_PRIVATE_KEY: required/,
    );
    expect(() => loadConfig({ ...live, ...signing })).toThrow(
      /GATEWAY_VAULT_KEY: required in live mode while Token.io is enabled/,
    );
    // One-line PEMs (`\n` escapes) are accepted; a hex key works as well as base64.
    const c = loadConfig({ ...live, ...signing, GATEWAY_VAULT_KEY: randomBytes(32).toString('hex') });
    expect(c.TOKENIO_PRIVATE_KEY).toBe(pem);
    // Without Token.io, live mode needs no vault key; the sandbox makes one up.
    expect(() => loadConfig(live)).not.toThrow();
    expect(() => loadConfig({})).not.toThrow();
  });

  it('takes the key map of the issue’s own example', () => {
    const c = loadConfig({ GATEWAY_API_KEYS: '{"k_ops": ["payouts:read", "payouts:write"]}' });
    expect(c.GATEWAY_API_KEYS).toEqual({ k_ops: ['payouts:read', 'payouts:write'] });
  });

  it('parses the key map into scopes', () => {
    const c = loadConfig({
      GATEWAY_API_KEYS: '{"k_ops_0123456789abcdef": ["payouts:read", "payouts:write"]}',
    });
    expect(c.GATEWAY_API_KEYS).toEqual({ k_ops_0123456789abcdef: ['payouts:read', 'payouts:write'] });
  });
});

function start(
  env: Record<string, string>,
  until: RegExp | null,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (until?.test(output)) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm start', () => {
  it('stops with a message naming the bad variable', async () => {
    const { code, output } = await start({ PORT: 'eighty' }, null);
    expect(code).toBe(1);
    expect(output).toMatch(/Invalid configuration:\n\s+PORT:/);
  });

  it('starts in sandbox mode with every simulator, GraphiQL and a development key', async () => {
    const { output } = await start(
      { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      // Logs are written asynchronously: wait for both, in either order.
      /Development API key[^]*GATEWAY_VAULT_KEY is not set.*\n|GATEWAY_VAULT_KEY is not set[^]*Development API key.*\n/,
    );
    expect(output).toMatch(/Payout Gateway \(sandbox\) listening on http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(output).toMatch(/CASAPAY sandbox simulator: http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/MOLLIE sandbox simulator: http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/TOKENIO sandbox simulator: http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/GATEWAY_VAULT_KEY is not set: generated a key/);
    expect(output).toMatch(/Development API key \(every scope; preset in GraphiQL\): dev_[0-9a-f]{32}/);
    expect(output).toMatch(/REDIS_URL is not set/);
  });
});
