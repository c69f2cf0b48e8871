import { faultMatrix } from './fault-matrix.ts';

faultMatrix('MOLLIE', {
  create: ['POST', '/v2/payouts'],
  read: ['GET', '/v2/payouts/'],
  cancel: ['DELETE', '/v2/payouts/'],
});
