import { formatAmount, type Money } from '../domain/money.ts';
import { builder } from './builder.ts';

export const MoneyRef = builder.objectRef<Money>('Money').implement({
  description:
    'An exact amount: `amount` is a decimal string, `minorUnits` the same value in the smallest unit.',
  fields: (t) => ({
    amount: t.field({ type: 'Decimal', resolve: (m) => formatAmount(m) }),
    currency: t.field({ type: 'CurrencyCode', resolve: (m) => m.currency }),
    minorUnits: t.field({ type: 'SafeInt', resolve: (m) => m.minor }),
  }),
});

export const MoneyInput = builder.inputType('MoneyInput', {
  fields: (t) => ({
    amount: t.field({
      type: 'Decimal',
      required: true,
      description: 'e.g. "11500.00"; at most the currency’s decimals.',
    }),
    currency: t.field({ type: 'CurrencyCode', required: true }),
  }),
});
