// Token.io keeps no bank-account objects: every payout carries its creditor inline. The gateway
// therefore holds Token.io beneficiaries itself, in its vault (AES-256-GCM at rest), and returns
// only masked data. EUR accounts are checked with Token.io's Verification of Payee first.
import {
  electronicFormatIBAN,
  isSEPACountry,
  isValidBIC,
  validateIBAN,
  ValidationErrorsIBAN,
} from 'ibantools';
import type { BankAccount, VerificationStatus } from '../../domain/account.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { RecordStore } from '../../state/types.ts';
import type { Vault } from '../../state/vault.ts';
import type { CreateBankAccountCommand, Logger } from '../types.ts';
import type { WireVerification } from './wire.ts';

const COLLECTION = 'tokenio:bank-accounts';

export interface Beneficiary {
  id: string;
  holderName: string;
  country: string;
  currency: 'GBP' | 'EUR';
  iban: string | null;
  bic: string | null;
  sortCode: string | null;
  accountNumber: string | null;
  verification: {
    id: string;
    status: VerificationStatus;
    reasons: string[];
    details: string | null;
    matchedName: string | null;
    checkedAt: string;
  } | null;
  metadata: Record<string, string> | null;
  createdAt: string;
}

export type BeneficiaryDetails = Pick<
  Beneficiary,
  'holderName' | 'country' | 'currency' | 'iban' | 'bic' | 'sortCode' | 'accountNumber'
>;

const IBAN_PROBLEMS: Partial<Record<ValidationErrorsIBAN, string>> = {
  [ValidationErrorsIBAN.NoIBANCountry]: 'its country code is not an IBAN country',
  [ValidationErrorsIBAN.WrongBBANLength]: 'it has the wrong length for its country',
  [ValidationErrorsIBAN.WrongBBANFormat]: 'its account part has the wrong format for its country',
  [ValidationErrorsIBAN.WrongIBANChecksum]: 'its check digits are wrong (mod-97)',
};

/** Token.io's account rules, checked before anything is stored or sent. */
export function validateBeneficiary(cmd: CreateBankAccountCommand): BeneficiaryDetails {
  if (cmd.routingNumber)
    throw new ValidationError(
      'routingNumber',
      'Token.io pays to IBANs or UK sort codes, not US routing numbers.',
    );
  if (cmd.currency === 'EUR') {
    if (cmd.sortCode || cmd.accountNumber) {
      throw new ValidationError(
        'sortCode',
        'Token.io pays EUR over SEPA to an IBAN: give iban (and bic), not a sort code.',
      );
    }
    const iban = electronicFormatIBAN(cmd.iban ?? '') ?? '';
    if (!iban) throw new ValidationError('iban', 'Token.io pays EUR to an IBAN: iban is required.');
    const result = validateIBAN(iban);
    if (!result.valid) {
      const why = result.errorCodes.map((c) => IBAN_PROBLEMS[c]).find(Boolean) ?? 'it is not a valid IBAN';
      throw new ValidationError('iban', `The IBAN is not valid: ${why}.`);
    }
    if (iban.slice(0, 2) !== cmd.country) {
      throw new ValidationError('country', `The IBAN is from ${iban.slice(0, 2)}, not ${cmd.country}.`);
    }
    if (!isSEPACountry(cmd.country))
      throw new ValidationError('country', `Token.io pays EUR over SEPA; ${cmd.country} is not in SEPA.`);
    const bic = cmd.bic ? cmd.bic.replace(/\s+/g, '').toUpperCase() : null;
    if (bic && !isValidBIC(bic))
      throw new ValidationError('bic', 'The BIC is not valid (8 or 11 characters, ISO 9362).');
    return {
      holderName: cmd.holderName,
      country: cmd.country,
      currency: 'EUR',
      iban,
      bic,
      sortCode: null,
      accountNumber: null,
    };
  }
  if (cmd.currency === 'GBP') {
    if (cmd.iban || cmd.bic) {
      throw new ValidationError(
        'iban',
        'Token.io pays GBP over Faster Payments: give sortCode and accountNumber, not an IBAN.',
      );
    }
    const sortCode = (cmd.sortCode ?? '').replace(/[\s-]/g, '');
    if (!/^\d{6}$/.test(sortCode))
      throw new ValidationError('sortCode', 'A UK sort code is 6 digits, e.g. "12-34-56".');
    const accountNumber = (cmd.accountNumber ?? '').replace(/\s/g, '');
    if (!/^\d{8}$/.test(accountNumber))
      throw new ValidationError('accountNumber', 'A UK account number is 8 digits.');
    if (cmd.country !== 'GB') throw new ValidationError('country', 'Sort-code accounts are in GB.');
    return {
      holderName: cmd.holderName,
      country: 'GB',
      currency: 'GBP',
      iban: null,
      bic: null,
      sortCode,
      accountNumber,
    };
  }
  throw new ValidationError('currency', `Token.io pays out in GBP and EUR, not ${cmd.currency}.`);
}

export function toVerification(w: WireVerification, now: Date): NonNullable<Beneficiary['verification']> {
  return {
    id: w.id,
    status: w.result.status === 'VERIFICATION_NOT_POSSIBLE' ? 'NOT_POSSIBLE' : w.result.status,
    reasons: w.result.reasons,
    details: w.result.details ?? null,
    matchedName: w.result.matched?.name ?? null,
    checkedAt: now.toISOString(),
  };
}

export function toBankAccount(b: Beneficiary): BankAccount {
  const number = b.iban ?? b.accountNumber ?? '';
  return {
    provider: 'TOKENIO',
    providerBankAccountId: b.id,
    holderName: b.holderName,
    // Never more than the last four characters of the number leave the vault.
    last4: number.slice(-4) || null,
    country: b.country,
    currency: b.currency,
    status: null,
    verification: b.verification
      ? {
          status: b.verification.status,
          reasons: b.verification.reasons,
          matchedName: b.verification.matchedName,
          checkedAt: new Date(b.verification.checkedAt),
        }
      : null,
  };
}

/** Beneficiaries sealed in the gateway's state, each under its own id as the AEAD's extra data. */
export class BeneficiaryVault {
  constructor(
    private readonly records: RecordStore,
    private readonly vault: Vault,
    private readonly log: Logger,
  ) {}

  async save(b: Beneficiary): Promise<void> {
    await this.records.put(COLLECTION, b.id, this.vault.seal(b.id, JSON.stringify(b)));
  }

  /**
   * A record sealed under another key (GATEWAY_VAULT_KEY changed, or a sandbox run that generated
   * its own) cannot be opened: it is logged and treated as absent, so one lost record does not take
   * every bank-account list and payout destination down with it.
   */
  private open(id: string, sealed: string): Beneficiary | null {
    try {
      return JSON.parse(this.vault.open(id, sealed)) as Beneficiary;
    } catch {
      this.log.error({ bankAccountId: id }, 'vault record cannot be opened: was GATEWAY_VAULT_KEY changed?');
      return null;
    }
  }

  async find(id: string): Promise<Beneficiary | null> {
    const sealed = await this.records.get(COLLECTION, id);
    return sealed === null ? null : this.open(id, sealed);
  }

  async get(id: string): Promise<Beneficiary> {
    const found = await this.find(id);
    if (!found) throw new NotFoundError(`No Token.io bank account exists with id ${id}.`);
    return found;
  }

  async list(afterId: string | null, limit: number): Promise<{ items: Beneficiary[]; hasMore: boolean }> {
    const page = await this.records.list(COLLECTION, afterId, limit);
    return {
      items: page.items.flatMap((r) => this.open(r.id, r.value) ?? []),
      hasMore: page.hasMore,
    };
  }
}
