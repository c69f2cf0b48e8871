import { pino } from 'pino';

export function createLogger(level: string) {
  return pino({
    level,
    redact: ['apiKey', 'authorization', 'accountNumber', 'iban', 'sortCode', 'privateKeyPem'].flatMap((k) => [
      `*.${k}`,
      `*.*.${k}`,
    ]),
  });
}
