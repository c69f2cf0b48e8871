// GraphQL documents the Mollie gateway tests need beyond the shared ones in operations.ts: the
// whole destination bank account on a payout (Mollie's is the balance's own, read-only), and
// single bank-account reads.
import { graphql } from '../gql/index.ts';

export const MollieBankAccountFields = graphql(`
  fragment MollieBankAccountFields on BankAccount {
    id
    provider
    holderName
    last4
    country
    currency
    status
  }
`);

export const MollieCreatePayout = graphql(`
  mutation MollieCreatePayout($input: CreatePayoutInput!) {
    createPayout(input: $input) {
      __typename
      ... on CreatePayoutSuccess {
        payout {
          ...PayoutFields
          destination {
            ...MollieBankAccountFields
          }
        }
      }
      ... on Error {
        code
        message
      }
      ... on ValidationError {
        field
      }
      ... on ProviderRejectedError {
        provider
        providerCode
      }
      ... on ProviderUnavailableError {
        provider
      }
    }
  }
`);

export const MolliePayout = graphql(`
  query MolliePayout($id: ID!) {
    payout(id: $id) {
      ...PayoutFields
      destination {
        ...MollieBankAccountFields
      }
    }
  }
`);

export const MollieBankAccount = graphql(`
  query MollieBankAccount($id: ID!) {
    bankAccount(id: $id) {
      ...MollieBankAccountFields
    }
  }
`);

export const MollieBankAccounts = graphql(`
  query MollieBankAccounts($provider: PayoutProvider, $first: Int, $after: String) {
    bankAccounts(provider: $provider, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...MollieBankAccountFields
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        endCursor
      }
    }
  }
`);

export const MolliePayoutDestinations = graphql(`
  query MolliePayoutDestinations($first: Int, $filter: PayoutFilter) {
    payouts(first: $first, filter: $filter) {
      edges {
        node {
          id
          providerPayoutId
          amount {
            amount
            currency
          }
          destination {
            ...MollieBankAccountFields
          }
        }
      }
    }
  }
`);
