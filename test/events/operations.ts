// The live-status operations the tests send (npm run codegen).
import { graphql } from '../gql/index.ts';

export const StatusChanged = graphql(`
  subscription StatusChanged($id: ID, $provider: PayoutProvider, $after: String) {
    payoutStatusChanged(id: $id, provider: $provider, after: $after) {
      cursor
      sequence
      previousStatus
      status
      source
      occurredAt
      payout {
        id
        provider
        providerPayoutId
        status
        providerStatus
      }
    }
  }
`);

export const SimulatePayoutStatus = graphql(`
  mutation SimulatePayoutStatus($id: ID!, $status: PayoutStatus!) {
    simulatePayoutStatus(id: $id, status: $status) {
      __typename
      ... on SimulatePayoutStatusSuccess {
        payout {
          id
          status
          providerStatus
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);
