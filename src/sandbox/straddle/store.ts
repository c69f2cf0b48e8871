// In-memory state of the Straddle simulator. Each API key is its own sandbox account (dispatch.ts):
// its customers, paykeys, payouts and idempotency keys are invisible to every other key, so tests
// and gateway tenants never see each other's data. Nothing is seeded: customers and paykeys are
// created through the API, as on a fresh Straddle sandbox account. Money is integer cents.
import { createHash } from 'node:crypto';
import type { SimResponse } from '../http.ts';

export const PAYMENT_STATUSES = [
  'created',
  'scheduled',
  'failed',
  'cancelled',
  'on_hold',
  'pending',
  'paid',
  'reversed',
  'validating',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const STATUS_REASONS = [
  'insufficient_funds',
  'closed_bank_account',
  'invalid_bank_account',
  'invalid_routing',
  'disputed',
  'payment_stopped',
  'owner_deceased',
  'frozen_bank_account',
  'risk_review',
  'fraudulent',
  'duplicate_entry',
  'invalid_paykey',
  'payment_blocked',
  'amount_too_large',
  'too_many_attempts',
  'internal_system_error',
  'user_request',
  'ok',
  'other_network_return',
  'payout_refused',
  'cancel_request',
  'failed_verification',
  'require_review',
  'blocked_by_system',
  'watchtower_review',
  'validating',
  'auto_hold',
] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];

export const STATUS_SOURCES = [
  'watchtower',
  'bank_decline',
  'customer_dispute',
  'user_action',
  'system',
] as const;
export type StatusSource = (typeof STATUS_SOURCES)[number];

export const SANDBOX_PAYMENT_OUTCOMES = [
  'standard',
  'paid',
  'on_hold_daily_limit',
  'cancelled_for_fraud_risk',
  'cancelled_for_balance_check',
  'failed_insufficient_funds',
  'reversed_insufficient_funds',
  'failed_customer_dispute',
  'reversed_customer_dispute',
  'failed_closed_bank_account',
  'reversed_closed_bank_account',
] as const;
export type SandboxPaymentOutcome = (typeof SANDBOX_PAYMENT_OUTCOMES)[number];

export type CustomerStatus = 'pending' | 'review' | 'verified' | 'inactive' | 'rejected';
export type PaykeyStatus = 'pending' | 'active' | 'inactive' | 'rejected' | 'review' | 'blocked';

/** One entry of `status_history`; the last one is also `status_details`. Times in ms. */
export interface StatusChange {
  status: PaymentStatus;
  changedAt: number;
  message: string;
  reason: StatusReason;
  source: StatusSource;
  code: string | null;
}

export interface Customer {
  id: string;
  name: string;
  type: 'individual' | 'business';
  email: string;
  phone: string;
  externalId: string | null;
  status: CustomerStatus;
  device: { ip_address: string };
  address: Record<string, unknown> | null;
  metadata: Record<string, string> | null;
  config: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface Paykey {
  id: string;
  /** The full token: only create, /reveal, /unmasked and paykey webhooks show it. */
  token: string;
  customerId: string;
  routingNumber: string;
  accountNumber: string;
  accountType: 'checking' | 'savings';
  institutionName: string;
  label: string;
  status: PaykeyStatus;
  statusDetails: Omit<StatusChange, 'status'>;
  externalId: string | null;
  metadata: Record<string, string> | null;
  config: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** Creation order, the tie-break of every sort. */
  seq: number;
}

export interface PayoutConfig {
  auto_hold: boolean;
  auto_hold_message?: string;
  sandbox_outcome: SandboxPaymentOutcome;
}

export interface Payout {
  id: string;
  paykey: Paykey;
  customer: Customer;
  amount: number;
  currency: 'USD';
  description: string | null;
  paymentDate: string;
  device: { ip_address: string };
  externalId: string;
  config: PayoutConfig;
  metadata: Record<string, string> | null;
  /** Oldest first; never empty (every payout starts `created`). */
  history: StatusChange[];
  fundingIds: string[];
  traceIds: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  processedAt: number | null;
  effectiveAt: number | null;
  /** The on_hold_daily_limit hold happens once: after a release the payout follows the happy path. */
  limitHoldDone: boolean;
  seq: number;
}

/** What an Idempotency-Key remembers: the request it was first used for and what that answered. */
export interface IdempotencyEntry {
  fingerprint: string;
  /** A stored 2xx answer, replayed for the same request; absent when the key is used up. */
  response?: SimResponse;
}

export interface Account {
  /** The account_id reported in webhooks: a UUID derived from the API key, stable across restarts. */
  id: string;
  customers: Map<string, Customer>;
  paykeys: Map<string, Paykey>;
  payouts: Map<string, Payout>;
  idempotency: Map<string, IdempotencyEntry>;
}

export const currentStatus = (p: Payout): StatusChange => p.history[p.history.length - 1] as StatusChange;

function uuidFromKey(apiKey: string): string {
  const hex = createHash('sha256').update(`straddle-account:${apiKey}`).digest('hex');
  // Shaped as a version 4 / variant 1 UUID so strict uuid parsers accept it.
  const variant = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class StraddleStore {
  private readonly accounts = new Map<string, Account>();
  private sequence = 0;

  /** The account of an API key, created empty on first use. */
  account(apiKey: string): Account {
    let account = this.accounts.get(apiKey);
    if (!account) {
      account = {
        id: uuidFromKey(apiKey),
        customers: new Map(),
        paykeys: new Map(),
        payouts: new Map(),
        idempotency: new Map(),
      };
      this.accounts.set(apiKey, account);
    }
    return account;
  }

  nextSeq(): number {
    this.sequence += 1;
    return this.sequence;
  }
}

export function findPaykeyByToken(account: Account, token: string): Paykey | undefined {
  for (const paykey of account.paykeys.values()) if (paykey.token === token) return paykey;
  return undefined;
}
