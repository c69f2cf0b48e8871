// CasaPay signs webhooks as Stripe does: `CasaPay-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>">`, several v1 entries during a secret rotation, 300 s tolerance.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'casapay-signature';
export const TOLERANCE_SECONDS = 300;

export function verifyCasaPaySignature(
  rawBody: string,
  header: string | null,
  secret: string,
  nowMs: number,
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowMs / 1000 - t) > TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return parts
    .filter(([k, v]) => k === 'v1' && v && /^[0-9a-f]+$/i.test(v))
    .some(([, v]) => {
      const given = Buffer.from(v ?? '', 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
