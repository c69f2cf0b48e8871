// Mollie next-gen webhooks: `X-Mollie-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, keyed
// with the subscription's secret. No timestamp is signed, so there is no tolerance window (replays
// are caught by deduplicating on the event id). For 24 h after a secret rotation an event carries
// two such headers, which Headers.get joins with ", ": any one matching is enough.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-mollie-signature';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

export function verifyMollieSignature(rawBody: string, header: string | null, secret: string): boolean {
  if (!header || !secret) return false;
  const expected = createHmac('sha256', secret).update(rawBody, 'utf8').digest();
  return header
    .split(',')
    .map((part) => SIGNATURE.exec(part.trim())?.[1])
    .some((hex) => {
      if (!hex) return false;
      const given = Buffer.from(hex, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
