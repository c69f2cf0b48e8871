// POST /account-verifications (post-verification): Verification of Payee for EUR accounts. The id
// it returns is what a EUR payout must carry as `creditor.accountVerificationId`.
//
// SANDBOX RULE (not Token.io's: a real check asks the payee's bank). The outcome is chosen by the
// account holder name, case-insensitively, first match wins; the bodies are the spec's examples:
//
//   name contains "unverifiable"  VERIFICATION_NOT_POSSIBLE  [UNKNOWN]
//                                 "The check cannot be completed."
//   name contains "mismatch"      NO_MATCH  [ACCOUNT_MISMATCH, NAME_MISMATCH]
//                                 "The account and name do not match."
//   name contains "close"         CLOSE_MATCH  [NAME_MISMATCH]  "The name provided is a close match."
//                                 matched.name = the name without the word "close", trimmed
//   anything else                 MATCH  [EXACT_MATCH]  "The account details match."
//
// Every outcome is stored and usable on a payout (whether to pay a NO_MATCH payee is the caller's
// decision, as with real Verification of Payee). The spec answers only 200 and 400 here, so an
// unknown `virtualAccountId` is a 400 too.
import { isValidIBAN } from 'ibantools';
import type { SimResponse } from '../http.ts';
import type { AuthedRequest, TokenioContext } from './context.ts';
import { invalidArgument } from './errors.ts';
import { newVerificationId } from './ids.ts';
import { jsonBody, objectField, optionalString, stringField } from './request.ts';
import { findVirtualAccount } from './store.ts';

interface Outcome {
  status: 'MATCH' | 'NO_MATCH' | 'CLOSE_MATCH' | 'VERIFICATION_NOT_POSSIBLE';
  reasons: string[];
  details: string;
  matched?: { name: string };
}

export function outcomeFor(name: string): Outcome {
  const lower = name.toLowerCase();
  if (lower.includes('unverifiable')) {
    return {
      status: 'VERIFICATION_NOT_POSSIBLE',
      reasons: ['UNKNOWN'],
      details: 'The check cannot be completed.',
    };
  }
  if (lower.includes('mismatch')) {
    return {
      status: 'NO_MATCH',
      reasons: ['ACCOUNT_MISMATCH', 'NAME_MISMATCH'],
      details: 'The account and name do not match.',
    };
  }
  if (lower.includes('close')) {
    const matched = name.replace(/close/gi, '').replace(/\s+/g, ' ').trim();
    return {
      status: 'CLOSE_MATCH',
      reasons: ['NAME_MISMATCH'],
      details: 'The name provided is a close match.',
      matched: { name: matched },
    };
  }
  return { status: 'MATCH', reasons: ['EXACT_MATCH'], details: 'The account details match.' };
}

export function verifyAccount(ctx: TokenioContext, req: AuthedRequest): SimResponse {
  const body = jsonBody(req.rawBody);
  const account = objectField(body, 'account', 'account');
  const name = stringField(account, 'name', 'account.name');
  const currency = stringField(account, 'currency', 'account.currency');
  if (currency !== 'EUR') {
    throw invalidArgument(`\`account.currency\` must be EUR (IBAN verification), not ${currency}.`);
  }
  const iban = stringField(account, 'iban', 'account.iban');
  if (!isValidIBAN(iban)) throw invalidArgument(`\`account.iban\` "${iban}" is not a valid IBAN.`);
  const virtualAccountId = optionalString(body, 'virtualAccountId', 'virtualAccountId');
  if (virtualAccountId !== undefined && !findVirtualAccount(req.account, virtualAccountId)) {
    throw invalidArgument(`Settlement account ${virtualAccountId} was not found.`);
  }
  const result = outcomeFor(name);
  const id = newVerificationId(ctx.now());
  req.account.verifications.set(id, { id, iban, name, status: result.status });
  return { status: 200, body: { id, result } };
}
