import { faultMatrix } from './fault-matrix.ts';

faultMatrix('STRADDLE', {
  create: ['POST', '/v1/payouts'],
  read: ['GET', '/v1/payouts/'],
  cancel: ['PUT', '/v1/payouts/'],
});
