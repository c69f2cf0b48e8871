// Entities as Token.io returns them. Optional fields are omitted when unset (Token.io's gateway
// writes proto3 JSON, which leaves out empty values) rather than sent as null.
import { formatMinor } from './money.ts';
import { isoTime, type PayoutState, type VirtualAccountState } from './store.ts';

export function serializePayout(p: PayoutState): Record<string, unknown> {
  return {
    id: p.id,
    memberId: p.memberId,
    createdDateTime: isoTime(p.createdAt),
    updatedDateTime: isoTime(p.updatedAt),
    status: p.status,
    ...(p.bankPaymentStatus === undefined ? {} : { bankPaymentStatus: p.bankPaymentStatus }),
    ...(p.statusReasonInformation === undefined
      ? {}
      : { statusReasonInformation: p.statusReasonInformation }),
    ...(p.bankTransactionId === undefined ? {} : { bankTransactionId: p.bankTransactionId }),
    // A copy, so a caller holding the body never sees later changes.
    initiation: structuredClone(p.initiation),
  };
}

export function serializeVirtualAccount(v: VirtualAccountState): Record<string, unknown> {
  const optional = (key: keyof VirtualAccountState) => (v[key] === undefined ? {} : { [key]: v[key] });
  return {
    accountId: v.accountId,
    accountName: v.accountName,
    ...optional('accountNickName'),
    ...optional('onBehalfOfId'),
    ...optional('accountNumber'),
    ...optional('sortCode'),
    ...optional('iban'),
    ...optional('bic'),
    country: v.country,
    currency: v.currency,
    availableBalance: formatMinor(v.available, v.currency),
    bookedBalance: formatMinor(v.booked, v.currency),
    clearedBalance: formatMinor(v.cleared, v.currency),
    status: v.status,
    createdDateTime: isoTime(v.createdAt),
    updatedDateTime: isoTime(v.updatedAt),
  };
}
