// A deliberately thin client for driving the simulator (tests, demos): it returns status, headers
// and parsed body as-is, so callers can assert on exactly what went over the wire.
import { randomBytes } from 'node:crypto';
import type { BankAccount, Payout } from '../../src/sandbox/casapay/store.ts';

export interface CasaPayErrorBody {
  error: { type: string; code?: string; message: string; param?: string };
}

export interface CasaPayList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export interface CasaPayBalance {
  object: 'balance';
  livemode: false;
  available: { amount: number; currency: string; source_types: { bank_account: number } }[];
  pending: { amount: number; currency: string; source_types: { bank_account: number } }[];
}

export interface SandboxResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export function newTestKey(): string {
  return `sk_test_${randomBytes(12).toString('hex')}`;
}

export class SandboxClient {
  readonly baseUrl: string;
  readonly key: string;

  constructor(baseUrl: string, key: string = newTestKey()) {
    this.baseUrl = baseUrl;
    this.key = key;
  }

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<SandboxResponse<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      // A string body is sent verbatim so callers can exercise malformed JSON.
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as T };
  }

  get<T = CasaPayErrorBody>(path: string): Promise<SandboxResponse<T>> {
    return this.call<T>('GET', path);
  }

  post<T = CasaPayErrorBody>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.call<T>('POST', path, body, headers);
  }

  async bankAccounts(): Promise<BankAccount[]> {
    return (await this.get<CasaPayList<BankAccount>>('/v1/bank_accounts?limit=100')).body.data;
  }

  /** The seeded GB (gbp) or EUR account; the oldest match, so accounts added later do not shadow it. */
  async seededAccount(currency: 'gbp' | 'eur'): Promise<BankAccount> {
    const match = (await this.bankAccounts()).filter((b) => b.currency === currency).at(-1);
    if (!match) throw new Error(`no ${currency} bank account`);
    return match;
  }

  async available(currency: string): Promise<number | undefined> {
    const balance = await this.get<CasaPayBalance>('/v1/balance');
    return balance.body.available.find((b) => b.currency === currency)?.amount;
  }

  /** Creates a payout (default: 10.00 gbp to the seeded GB account) and insists it succeeded. */
  async createPayout(fields: Record<string, unknown> = {}): Promise<Payout> {
    const currency = (fields['currency'] as 'gbp' | 'eur' | undefined) ?? 'gbp';
    const destination = (await this.seededAccount(currency)).id;
    const res = await this.post<Payout>('/v1/payouts', { amount: 1000, currency, destination, ...fields });
    if (res.status !== 200)
      throw new Error(`payout create failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}
