// Bank-account details: ABA routing-number checks, the institution a routing number belongs to,
// paykey tokens and the masks Straddle shows instead of secrets.
import { randomBytes } from 'node:crypto';

/** A few well-known routing numbers (all checksum-valid); any other valid one is "Sandbox Bank". */
const INSTITUTIONS: Record<string, string> = {
  '021000021': 'JPMorgan Chase',
  '044000037': 'JPMorgan Chase',
  '071000013': 'JPMorgan Chase',
  '111000614': 'JPMorgan Chase',
  '322271627': 'JPMorgan Chase',
  '011000138': 'Bank of America',
  '026009593': 'Bank of America',
  '053000196': 'Bank of America',
  '063100277': 'Bank of America',
  '091000019': 'Wells Fargo',
  '121000248': 'Wells Fargo',
  '021000089': 'Citibank',
  '031176110': 'Capital One',
  '043000096': 'PNC Bank',
  '061000104': 'Truist',
};

export const SANDBOX_BANK = 'Sandbox Bank';

/** ABA checksum: 3·d1 + 7·d2 + d3 + 3·d4 + 7·d5 + d6 + 3·d7 + 7·d8 + d9 ≡ 0 (mod 10). */
export function isValidRoutingNumber(routing: string): boolean {
  if (!/^\d{9}$/.test(routing)) return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(routing[i]), 0);
  return sum % 10 === 0;
}

export function institutionName(routing: string): string {
  return INSTITUTIONS[routing] ?? SANDBOX_BANK;
}

/** `****1234`, the spec's example of a masked account number. */
export const maskAccountNumber = (accountNumber: string) => `****${accountNumber.slice(-4)}`;

/** "Bank of America ****1234", the spec's example label. */
export const paykeyLabel = (institution: string, accountNumber: string) =>
  `${institution} ${maskAccountNumber(accountNumber)}`;

/**
 * A paykey token: `<8 hex>.<2 digits>.<64 hex>`. Straddle does not document the format (clients must
 * treat it as opaque); this one is long and random so it cannot be guessed from the paykey id.
 */
export const newPaykeyToken = () => `${randomBytes(4).toString('hex')}.02.${randomBytes(32).toString('hex')}`;

/** How get, list and payout reads show a paykey token: only its last four characters. */
export const maskPaykey = (token: string) => `****${token.slice(-4)}`;

/** A 15-digit ACH trace number: the originating bank's 8-digit routing prefix and a sequence. */
export function newTraceNumber(): string {
  const seq = randomBytes(4).readUInt32BE() % 10_000_000;
  return `0210000${String(seq).padStart(8, '0')}`;
}
