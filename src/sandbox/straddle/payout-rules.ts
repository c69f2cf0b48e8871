// The checks on a payout create (CreatePayoutV1Request) and update (UpdatePayoutV1Request).
//
// Field problems are a 400 listing every bad field (`error.items`): missing or mistyped fields,
// unknown fields (the schemas forbid them), a currency other than USD (the only one Straddle
// supports), an amount that is not a positive int32 of cents, more than 20 metadata pairs, an
// unknown sandbox_outcome. Business rules are a 422 naming the field, checked only once the fields
// are well-formed: a `payment_date` before today's US Eastern date; a paykey token this account
// does not have (a paykey id or a masked token is not a token) or one that is not `active`; an
// `external_id` already used by another payout of the account (Straddle: "must be unique across
// all payouts"; 422 rather than 400 because the request itself is valid, and so that the
// idempotency key is not used up by it).
import type { AuthedRequest } from './context.ts';
import { easternDate } from './dates.ts';
import { unprocessable } from './errors.ts';
import { Fields, jsonBody } from './request.ts';
import { SANDBOX_PAYMENT_OUTCOMES, findPaykeyByToken, type Paykey, type PayoutConfig } from './store.ts';

const CREATE_FIELDS = [
  'paykey',
  'amount',
  'currency',
  'description',
  'payment_date',
  'device',
  'external_id',
  'config',
  'metadata',
];
const UPDATE_FIELDS = ['amount', 'description', 'payment_date', 'metadata'];

export interface ValidCreate {
  paykey: Paykey;
  amount: number;
  description: string | null;
  paymentDate: string;
  device: { ip_address: string };
  externalId: string;
  config: PayoutConfig;
  metadata: Record<string, string> | null;
}

export interface ValidUpdate {
  amount: number;
  description: string | null;
  paymentDate: string;
  metadata: Record<string, string> | null | undefined;
}

function config(f: Fields): PayoutConfig {
  const raw = f.object('config', true);
  if (!raw) return { auto_hold: false, sandbox_outcome: 'standard' };
  const c = f.child('config', raw);
  c.onlyKnown(['auto_hold', 'auto_hold_message', 'sandbox_outcome']);
  const autoHold = c.boolean('auto_hold') ?? false;
  const message = c.string('auto_hold_message', { optional: true });
  const outcome = c.enumValue('sandbox_outcome', SANDBOX_PAYMENT_OUTCOMES, true) ?? 'standard';
  return {
    auto_hold: autoHold,
    ...(message ? { auto_hold_message: message } : {}),
    sandbox_outcome: outcome,
  };
}

function notPast(paymentDate: string, nowMs: number): void {
  const today = easternDate(nowMs);
  if (paymentDate < today) {
    throw unprocessable(
      `'payment_date' ${paymentDate} is in the past: the earliest is today's US Eastern date, ${today}.`,
      'payment_date',
    );
  }
}

export function validateCreate(req: AuthedRequest, nowMs: number): ValidCreate {
  const body = jsonBody(req.rawBody);
  const f = new Fields(body);
  f.onlyKnown(CREATE_FIELDS);
  const token = f.string('paykey');
  const amount = f.cents('amount');
  const currency = f.string('currency');
  if (typeof currency === 'string' && currency !== 'USD') {
    f.add('currency', `'currency' must be USD (the only currency Straddle supports), not '${currency}'.`);
  }
  const description = f.string('description', { nullable: true });
  const paymentDate = f.date('payment_date');
  const device = f.device();
  const externalId = f.string('external_id');
  const cfg = config(f);
  const metadata = f.metadata();
  f.done();

  notPast(paymentDate as string, nowMs);
  const paykey = findPaykeyByToken(req.account, token as string);
  if (!paykey) {
    throw unprocessable(
      "'paykey' is not a paykey token of this account (send the full token, not the id).",
      'paykey',
    );
  }
  if (paykey.status !== 'active') {
    throw unprocessable(
      `Paykey ${paykey.id} is ${paykey.status}: only active paykeys can be paid.`,
      'paykey',
    );
  }
  for (const other of req.account.payouts.values()) {
    if (other.externalId === externalId) {
      throw unprocessable(
        `A payout with external_id '${externalId}' already exists (${other.id}).`,
        'external_id',
      );
    }
  }
  return {
    paykey,
    amount: amount as number,
    description: description ?? null,
    paymentDate: paymentDate as string,
    device: device as ValidCreate['device'],
    externalId: externalId as string,
    config: cfg,
    metadata: metadata ?? null,
  };
}

/** The update body; `metadata` undefined when absent (kept as it is), null to clear. */
export function validateUpdate(req: AuthedRequest, nowMs: number): ValidUpdate {
  const body = jsonBody(req.rawBody);
  const f = new Fields(body);
  f.onlyKnown(UPDATE_FIELDS);
  const amount = f.cents('amount');
  const description = f.string('description', { nullable: true });
  const paymentDate = f.date('payment_date');
  const metadata = body.metadata === undefined ? undefined : f.metadata();
  f.done();
  notPast(paymentDate as string, nowMs);
  return {
    amount: amount as number,
    description: description ?? null,
    paymentDate: paymentDate as string,
    metadata,
  };
}

/** UpdatePayoutStatusV1Request: `{reason}` for hold, release and cancel. */
export function statusReason(req: AuthedRequest): string {
  const f = new Fields(jsonBody(req.rawBody));
  f.onlyKnown(['reason']);
  const reason = f.string('reason');
  f.done();
  return reason as string;
}
