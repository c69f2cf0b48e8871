import type { z } from 'zod';

/**
 * `make` (a list or envelope around an item schema) memoised per item schema: zod builds and
 * compiles a schema's parser on first use, so a wrapper made on every call cost a list read about as
 * much as parsing its items. Item schemas are module constants, so this holds a handful.
 */
export function perItemSchema<F extends (item: z.ZodType) => z.ZodType>(make: F): F {
  const made = new WeakMap<z.ZodType, z.ZodType>();
  return ((item: z.ZodType) => {
    let schema = made.get(item);
    if (!schema) made.set(item, (schema = make(item)));
    return schema;
  }) as F;
}
