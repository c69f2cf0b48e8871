// Test-helper API. NOT part of Mollie: real payouts move on Mollie's own schedule and balances are
// configured in the Dashboard, so tests and the sandbox need a way to drive both. Either credential
// (`test_` key or `access_` token) reaches its test-mode account, `testmode` is ignored, and the
// error bodies are the real endpoints'; a payout or balance of another account is a 404.
//
//   POST  /v2/test-helpers/payouts/{id}/advance   one lifecycle step (requested → initiated →
//                                                 processing-at-bank → completed); 409 when final.
//                                                 Initiation fixes the amount of a payout requested
//                                                 without one (the balance's available amount then).
//                                                 A payout created with the sandbox-only
//                                                 X-Sandbox-Outcome header follows that outcome
//                                                 instead (sandbox-outcome.ts): `canceled` cancels
//                                                 from requested; failed_insufficient_funds and
//                                                 failed_closed_account fail from initiated
//                                                 (insufficient_funds, returned)
//   POST  /v2/test-helpers/payouts/{id}/fail      {"code"?: statusReason code}, default
//                                                 bank_processing_failed; unknown code → 422 field code
//   PATCH /v2/test-helpers/balances/{id}          any of {"status", "transferDestination", "availableAmount"}
import type { SimResponse } from '../http.ts';
import type { AuthedRequest, MollieContext } from './context.ts';
import { HAL_JSON, MollieHttpError, notFound } from './errors.ts';
import { FAILURE_CODES, advancePayout, failPayout } from './lifecycle.ts';
import { jsonObject } from './payouts.ts';
import { serializeBalance, serializePayout } from './serialize.ts';
import { findBalance, findPayout, parseMinor, type TransferDestination } from './store.ts';

export function advance(ctx: MollieContext, req: AuthedRequest): SimResponse {
  const id = req.params.id ?? '';
  const payout = findPayout(req.account, id);
  if (!payout) return notFound('payout', id);
  advancePayout(ctx, req.account, payout);
  return { status: 200, contentType: HAL_JSON, body: serializePayout(ctx, payout) };
}

export function fail(ctx: MollieContext, req: AuthedRequest): SimResponse {
  const id = req.params.id ?? '';
  const payout = findPayout(req.account, id);
  if (!payout) return notFound('payout', id);
  const code = jsonObject(req.rawBody).code ?? 'bank_processing_failed';
  if (typeof code !== 'string' || !(FAILURE_CODES as readonly string[]).includes(code)) {
    throw new MollieHttpError(422, `The 'code' field must be one of: ${FAILURE_CODES.join(', ')}.`, 'code');
  }
  failPayout(ctx, req.account, payout, code);
  return { status: 200, contentType: HAL_JSON, body: serializePayout(ctx, payout) };
}

function destination(raw: unknown): TransferDestination | null {
  if (raw === null) return null;
  const d = (typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const type = d.type ?? 'bank-account';
  if (
    type !== 'bank-account' ||
    typeof d.bankAccount !== 'string' ||
    d.bankAccount === '' ||
    typeof d.beneficiaryName !== 'string' ||
    d.beneficiaryName === ''
  ) {
    throw new MollieHttpError(
      422,
      "The 'transferDestination' field must be null or {type: 'bank-account', bankAccount, beneficiaryName}.",
      'transferDestination',
    );
  }
  return { type, bankAccount: d.bankAccount, beneficiaryName: d.beneficiaryName };
}

export function patchBalance(ctx: MollieContext, req: AuthedRequest): SimResponse {
  const id = req.params.id ?? '';
  const balance = findBalance(req.account, id);
  if (!balance) return notFound('balance', id);
  const body = jsonObject(req.rawBody);
  // Unknown keys are rejected so a typo in a test cannot silently leave the balance unchanged.
  for (const key of Object.keys(body)) {
    if (!['status', 'transferDestination', 'availableAmount'].includes(key)) {
      throw new MollieHttpError(422, `The '${key}' field cannot be changed by the test helper.`, key);
    }
  }
  // Validate everything before applying anything, so a 422 leaves the balance untouched.
  const status = body.status;
  if (status !== undefined && status !== 'active' && status !== 'inactive') {
    throw new MollieHttpError(422, "The 'status' field must be 'active' or 'inactive'.", 'status');
  }
  const dest = 'transferDestination' in body ? destination(body.transferDestination) : undefined;
  let available: number | undefined;
  if (body.availableAmount !== undefined) {
    const a = (body.availableAmount ?? {}) as Record<string, unknown>;
    const minor = typeof a.value === 'string' ? parseMinor(a.value) : null;
    if (a.currency !== balance.currency || minor === null) {
      throw new MollieHttpError(
        422,
        `The 'availableAmount' field must be {currency: '${balance.currency}', value: "0.00"-style string}.`,
        'availableAmount',
      );
    }
    available = minor;
  }
  if (status !== undefined) balance.status = status;
  if (dest !== undefined) balance.transferDestination = dest;
  if (available !== undefined) balance.available = available;
  return { status: 200, contentType: HAL_JSON, body: serializeBalance(ctx, balance) };
}
