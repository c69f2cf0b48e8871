import { GraphQLError, Kind } from 'graphql';
import {
  CountryCodeResolver,
  CurrencyResolver,
  DateTimeResolver,
  JSONResolver,
  LocalDateResolver,
  SafeIntResolver,
} from 'graphql-scalars';
import { builder } from './builder.ts';

// Decimal accepts any string: whether it is a valid amount for its currency is the mutation's
// business, answered as a ValidationError that names the field. Numbers are refused (floats).
builder.scalarType('Decimal', {
  description: 'An exact decimal number as a string, e.g. "11500.00". Never a float.',
  serialize: (v) => String(v),
  parseValue: (v) => {
    if (typeof v !== 'string')
      throw new GraphQLError('Decimal must be a string such as "10.00", not a number.');
    return v;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING)
      throw new GraphQLError('Decimal must be a string such as "10.00", not a number.');
    return ast.value;
  },
});

builder.addScalarType('CurrencyCode', CurrencyResolver, {
  description: 'An ISO 4217 currency code, upper case, e.g. "GBP".',
});
builder.addScalarType('CountryCode', CountryCodeResolver, {
  description: 'An ISO 3166-1 alpha-2 country code, e.g. "GB".',
});
builder.addScalarType('SafeInt', SafeIntResolver, {});
builder.addScalarType('DateTime', DateTimeResolver, {});
builder.addScalarType('JSON', JSONResolver, {});
builder.addScalarType('Date', LocalDateResolver, {
  description: 'A calendar date, `YYYY-MM-DD`, e.g. "2026-12-01" (the provider’s own time zone applies).',
});
