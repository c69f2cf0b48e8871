import { faultMatrix } from './fault-matrix.ts';

faultMatrix('TOKENIO', { create: ['POST', '/payouts'], read: ['GET', '/payouts'] });
