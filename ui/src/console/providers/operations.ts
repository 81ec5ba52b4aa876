import { graphql } from '../../gql';

/** What every card shows: the providers as the gateway offers them, and the organization's state. */
export const PROVIDERS = graphql(`
  query ConsoleProviders($orgId: ID) {
    providers {
      provider
      displayName
      configured
      missingVariables
      connectable
      features
      accountFields {
        name
        title
        description
        example
        pattern
        message
      }
    }
    organization(id: $orgId) {
      id
      integrations {
        ... on IntegrationCommon {
          provider
          status
          configured
          connectedAt
          lastSyncedAt
          errorMessage
          account {
            name
            value
          }
        }
      }
    }
  }
`);

export const CONNECT = graphql(`
  mutation ConsoleConnect($input: ConnectIntegrationInput!) {
    connectIntegration(input: $input) {
      errorCode
      integration {
        ... on IntegrationCommon {
          provider
          status
        }
      }
    }
  }
`);

export const TEST = graphql(`
  mutation ConsoleTest($provider: Provider!) {
    testIntegration(provider: $provider) {
      errorCode
      integration {
        ... on IntegrationCommon {
          provider
          status
          errorMessage
          lastSyncedAt
        }
      }
    }
  }
`);

export const DISCONNECT = graphql(`
  mutation ConsoleDisconnect($provider: Provider!) {
    disconnectIntegration(provider: $provider) {
      integration {
        ... on IntegrationCommon {
          provider
          status
        }
      }
    }
  }
`);
