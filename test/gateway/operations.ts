// The operations the tests send, as typed documents (npm run codegen).
import { graphql } from '../gql/index.ts';

export const PayoutFields = graphql(`
  fragment PayoutFields on Payout {
    id
    provider
    providerPayoutId
    status
    providerStatus
    amount {
      amount
      currency
      minorUnits
    }
    description
    method
    failure {
      code
      message
    }
    allowedActions
    expectedArrivalAt
    createdAt
    updatedAt
    metadata
    statusHistory {
      status
      providerStatus
      reason
      occurredAt
    }
  }
`);

export const ErrorFields = graphql(`
  fragment ErrorFields on Error {
    code
    message
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
    ... on IdempotencyConflictError {
      field
    }
    ... on PayoutInDoubtError {
      provider
      idempotencyKey
    }
  }
`);

export const BankAccountFields = graphql(`
  fragment BankAccountFields on BankAccount {
    id
    provider
    holderName
    last4
    country
    currency
    status
    verification {
      status
      reasons
      matchedName
      checkedAt
    }
  }
`);

export const CreatePayout = graphql(`
  mutation CreatePayout($input: CreatePayoutInput!) {
    createPayout(input: $input) {
      __typename
      ... on CreatePayoutSuccess {
        payout {
          ...PayoutFields
          destination {
            ...BankAccountFields
          }
        }
      }
      ...ErrorFields
    }
  }
`);

export const CancelPayout = graphql(`
  mutation CancelPayout($id: ID!) {
    cancelPayout(id: $id) {
      __typename
      ... on CancelPayoutSuccess {
        payout {
          ...PayoutFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const GetPayout = graphql(`
  query GetPayout($id: ID!) {
    payout(id: $id) {
      ...PayoutFields
      destination {
        ...BankAccountFields
      }
    }
  }
`);

export const ListPayouts = graphql(`
  query ListPayouts($first: Int, $after: String, $filter: PayoutFilter) {
    payouts(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          id
          provider
          providerPayoutId
          status
          createdAt
          amount {
            amount
            currency
          }
          destination {
            ...BankAccountFields
          }
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        endCursor
      }
      providerErrors {
        provider
        code
        message
      }
    }
  }
`);

export const CreateBankAccount = graphql(`
  mutation CreateBankAccount($input: CreateBankAccountInput!) {
    createBankAccount(input: $input) {
      __typename
      ... on CreateBankAccountSuccess {
        bankAccount {
          id
          provider
          holderName
          last4
          country
          currency
          status
          bankName
          verification {
            status
            matchedName
          }
        }
      }
      ...ErrorFields
    }
  }
`);

export const ListBankAccounts = graphql(`
  query ListBankAccounts($provider: PayoutProvider, $first: Int, $after: String) {
    bankAccounts(provider: $provider, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...BankAccountFields
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        endCursor
      }
      providerErrors {
        provider
        code
        message
      }
    }
  }
`);

export const GetBankAccount = graphql(`
  query GetBankAccount($id: ID!) {
    bankAccount(id: $id) {
      ...BankAccountFields
    }
  }
`);

export const Balances = graphql(`
  query Balances($provider: PayoutProvider) {
    balances(provider: $provider) {
      nodes {
        id
        provider
        currency
        available {
          amount
          currency
          minorUnits
        }
        pending {
          amount
          minorUnits
        }
      }
      providerErrors {
        provider
        code
        message
      }
    }
  }
`);

export const Node = graphql(`
  query Node($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Payout {
        providerPayoutId
      }
      ... on BankAccount {
        last4
      }
      ... on Balance {
        currency
      }
    }
  }
`);

export const Providers = graphql(`
  query Providers {
    providers {
      provider
      displayName
      enabled
      implemented
      operations
      currencies
      payoutActions {
        action
        statuses
      }
      createPayout {
        amount
        sourceId
        destinationId
        scheduledFor
        methods
      }
      bankAccounts
      balances
      webhooks
      statusSource
      sandboxOutcomes
      notes
    }
  }
`);

export const Nodes = graphql(`
  query Nodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
      ... on Payout {
        providerPayoutId
        status
      }
    }
  }
`);

/** A page whose destinations are selected through a fragment. */
export const PayoutPageByFragment = graphql(`
  query PayoutPageByFragment($first: Int, $filter: PayoutFilter) {
    payouts(first: $first, filter: $filter) {
      edges {
        node {
          ...PayoutWithDestination
        }
      }
    }
  }
  fragment PayoutWithDestination on Payout {
    id
    destination {
      last4
    }
  }
`);

/** A page that does not read destinations. */
export const PayoutPageWithoutDestinations = graphql(`
  query PayoutPageWithoutDestinations($first: Int, $filter: PayoutFilter) {
    payouts(first: $first, filter: $filter) {
      edges {
        node {
          id
          status
        }
      }
    }
  }
`);

export const NodesWithDestinations = graphql(`
  query NodesWithDestinations($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
      ... on Payout {
        destination {
          last4
        }
      }
    }
  }
`);

/** Three ways to read payouts in one request: aliases, nodes(ids:) and a list. */
export const ReadTogether = graphql(`
  query ReadTogether($a: ID!, $b: ID!, $ids: [ID!]!, $filter: PayoutFilter) {
    a: payout(id: $a) {
      ...PayoutFields
    }
    b: payout(id: $b) {
      id
      status
    }
    nodes(ids: $ids) {
      id
      ... on Payout {
        metadata
      }
    }
    payouts(first: 10, filter: $filter) {
      edges {
        node {
          id
        }
      }
    }
  }
`);

export const HoldPayout = graphql(`
  mutation HoldPayout($id: ID!, $reason: String!) {
    holdPayout(id: $id, reason: $reason) {
      __typename
      ... on HoldPayoutSuccess {
        payout {
          ...PayoutFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const ReleasePayout = graphql(`
  mutation ReleasePayout($id: ID!, $reason: String) {
    releasePayout(id: $id, reason: $reason) {
      __typename
      ... on ReleasePayoutSuccess {
        payout {
          ...PayoutFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const UpdatePayout = graphql(`
  mutation UpdatePayout($input: UpdatePayoutInput!) {
    updatePayout(input: $input) {
      __typename
      ... on UpdatePayoutSuccess {
        payout {
          ...PayoutFields
        }
      }
      ...ErrorFields
    }
  }
`);

export const UnmaskBankAccount = graphql(`
  query UnmaskBankAccount($id: ID!) {
    bankAccount(id: $id) {
      id
      last4
      unmaskedAccountNumber
    }
  }
`);
