import { faultMatrix } from './fault-matrix.ts';

faultMatrix('CASAPAY', {
  create: ['POST', '/v1/payouts'],
  read: ['GET', '/v1/payouts/'],
  cancel: ['POST', '/v1/payouts/'],
});
