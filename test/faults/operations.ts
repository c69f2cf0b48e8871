import { graphql } from '../gql/index.ts';

export const PayoutStatus = graphql(`
  query PayoutStatus($id: ID!) {
    payout(id: $id) {
      id
      status
      statusHistory {
        status
      }
    }
  }
`);

export const ProviderHealth = graphql(`
  query ProviderHealth {
    providers {
      provider
      health {
        circuit
        inFlight
        samples
        failures
        latencyP50Ms
        latencyP95Ms
        lastFailure {
          at
          reason
        }
      }
    }
  }
`);
