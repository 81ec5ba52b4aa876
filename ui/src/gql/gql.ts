/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ConsoleViewer {\n    viewer {\n      userId\n      role\n      organization {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ConsoleViewerDocument,
    "\n  query ConsoleAuditLog($orgId: ID, $provider: Provider, $outcome: AuditOutcome, $after: String) {\n    providers {\n      provider\n      displayName\n    }\n    organization(id: $orgId) {\n      id\n      auditLog(first: 25, after: $after, provider: $provider, outcome: $outcome) {\n        edges {\n          node {\n            id\n            at\n            action\n            outcome\n            errorCode\n            provider\n            accountKey\n            actorId\n            actorRole\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.ConsoleAuditLogDocument,
    "\n  query ConsoleFailedWebhooks($orgId: ID) {\n    providers {\n      provider\n      displayName\n    }\n    organization(id: $orgId) {\n      id\n      failed: webhookEvents(first: 20, state: FAILED) {\n        edges {\n          node {\n            ...ConsoleWebhookEvent\n          }\n        }\n      }\n      dead: webhookEvents(first: 20, state: DEAD) {\n        edges {\n          node {\n            ...ConsoleWebhookEvent\n          }\n        }\n      }\n    }\n  }\n\n  fragment ConsoleWebhookEvent on WebhookEvent {\n    id\n    provider\n    topic\n    state\n    attempts\n    lastError\n    receivedAt\n  }\n": typeof types.ConsoleFailedWebhooksDocument,
    "\n  mutation ConsoleReplay($id: ID!) {\n    replayWebhookEvent(id: $id) {\n      event {\n        id\n        state\n      }\n    }\n  }\n": typeof types.ConsoleReplayDocument,
    "\n  query ConsoleBilling($orgId: ID) {\n    billingPlans {\n      name\n    }\n    organization(id: $orgId) {\n      id\n      billing {\n        configured\n        plan\n        status\n        currentPeriodEnd\n        cancelAtPeriodEnd\n        paymentState\n        restriction\n        usage {\n          meter\n          quantity\n          reported\n        }\n      }\n    }\n  }\n": typeof types.ConsoleBillingDocument,
    "\n  mutation ConsoleCheckout($plan: String!) {\n    startCheckout(plan: $plan) {\n      url\n    }\n  }\n": typeof types.ConsoleCheckoutDocument,
    "\n  mutation ConsolePortal {\n    openBillingPortal {\n      url\n    }\n  }\n": typeof types.ConsolePortalDocument,
    "\n  query ConsoleConversations($orgId: ID) {\n    organization(id: $orgId) {\n      id\n      conversations(first: 30) {\n        edges {\n          node {\n            id\n            channel\n            contact {\n              id\n              name\n            }\n            lastActivityAt\n            needsHuman\n            status\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleConversationsDocument,
    "\n  query ConsoleThread($orgId: ID, $id: ID!) {\n    organization(id: $orgId) {\n      id\n      conversation(id: $id) {\n        id\n        channel\n        accountKey\n        contact {\n          id\n          name\n        }\n        needsHuman\n        status\n        lastInboundAt\n        messages(first: 50) {\n          edges {\n            node {\n              id\n              direction\n              status\n              kind\n              text\n              errorCode\n              errorMessage\n              createdAt\n              attachments {\n                type\n                url\n              }\n              postback {\n                title\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleThreadDocument,
    "\n  subscription ConsoleMessageEvents {\n    messageEvents {\n      type\n      conversationId\n      at\n    }\n  }\n": typeof types.ConsoleMessageEventsDocument,
    "\n  mutation ConsoleSend($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      replayed\n      message {\n        id\n        status\n        errorCode\n        errorMessage\n      }\n    }\n  }\n": typeof types.ConsoleSendDocument,
    "\n  mutation ConsoleDraft($id: ID!) {\n    draftReply(conversationId: $id) {\n      text\n      handover\n      reason\n    }\n  }\n": typeof types.ConsoleDraftDocument,
    "\n  query ConsoleIntegrationClaim($provider: Provider!) {\n    integrationClaim(provider: $provider) {\n      proof\n      token\n    }\n  }\n": typeof types.ConsoleIntegrationClaimDocument,
    "\n  query ConsoleProviders($orgId: ID) {\n    providers {\n      provider\n      displayName\n      configured\n      missingVariables\n      connectable\n      features\n      accountFields {\n        name\n        title\n        description\n        example\n        pattern\n        message\n      }\n    }\n    organization(id: $orgId) {\n      id\n      integrations {\n        ... on IntegrationCommon {\n          provider\n          status\n          configured\n          connectedAt\n          lastSyncedAt\n          errorMessage\n          account {\n            name\n            value\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleProvidersDocument,
    "\n  mutation ConsoleConnect($input: ConnectIntegrationInput!) {\n    connectIntegration(input: $input) {\n      errorCode\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n        }\n      }\n    }\n  }\n": typeof types.ConsoleConnectDocument,
    "\n  mutation ConsoleTest($provider: Provider!) {\n    testIntegration(provider: $provider) {\n      errorCode\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n          errorMessage\n          lastSyncedAt\n        }\n      }\n    }\n  }\n": typeof types.ConsoleTestDocument,
    "\n  mutation ConsoleDisconnect($provider: Provider!) {\n    disconnectIntegration(provider: $provider) {\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n        }\n      }\n    }\n  }\n": typeof types.ConsoleDisconnectDocument,
    "\n  query ConsolePendingClaims {\n    pendingIntegrationClaims(first: 50) {\n      organizationId\n      organizationName\n      requestedAt\n      proofAvailable\n      integration {\n        ... on IntegrationCommon {\n          provider\n          account {\n            name\n            value\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsolePendingClaimsDocument,
    "\n  mutation ConsoleApproveClaim($organizationId: ID!, $provider: Provider!) {\n    approveIntegrationClaim(organizationId: $organizationId, provider: $provider) {\n      errorCode\n    }\n  }\n": typeof types.ConsoleApproveClaimDocument,
    "\n  mutation ConsoleRejectClaim($organizationId: ID!, $provider: Provider!) {\n    rejectIntegrationClaim(organizationId: $organizationId, provider: $provider) {\n      errorCode\n    }\n  }\n": typeof types.ConsoleRejectClaimDocument,
    "\n  query ConsoleSupport {\n    providers {\n      provider\n      displayName\n    }\n    supportAttention(first: 50) {\n      organizationId\n      organizationName\n      recentFailures\n      lastFailureAt\n      failedWebhookEvents\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n          errorMessage\n        }\n      }\n    }\n    unroutedWebhookEvents(first: 20) {\n      edges {\n        node {\n          id\n          provider\n          topic\n          receivedAt\n        }\n      }\n    }\n  }\n": typeof types.ConsoleSupportDocument,
    "\n  query ConsoleOrganizations($search: String) {\n    organizations(search: $search, first: 50) {\n      id\n      name\n      createdAt\n    }\n  }\n": typeof types.ConsoleOrganizationsDocument,
};
const documents: Documents = {
    "\n  query ConsoleViewer {\n    viewer {\n      userId\n      role\n      organization {\n        id\n        name\n      }\n    }\n  }\n": types.ConsoleViewerDocument,
    "\n  query ConsoleAuditLog($orgId: ID, $provider: Provider, $outcome: AuditOutcome, $after: String) {\n    providers {\n      provider\n      displayName\n    }\n    organization(id: $orgId) {\n      id\n      auditLog(first: 25, after: $after, provider: $provider, outcome: $outcome) {\n        edges {\n          node {\n            id\n            at\n            action\n            outcome\n            errorCode\n            provider\n            accountKey\n            actorId\n            actorRole\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.ConsoleAuditLogDocument,
    "\n  query ConsoleFailedWebhooks($orgId: ID) {\n    providers {\n      provider\n      displayName\n    }\n    organization(id: $orgId) {\n      id\n      failed: webhookEvents(first: 20, state: FAILED) {\n        edges {\n          node {\n            ...ConsoleWebhookEvent\n          }\n        }\n      }\n      dead: webhookEvents(first: 20, state: DEAD) {\n        edges {\n          node {\n            ...ConsoleWebhookEvent\n          }\n        }\n      }\n    }\n  }\n\n  fragment ConsoleWebhookEvent on WebhookEvent {\n    id\n    provider\n    topic\n    state\n    attempts\n    lastError\n    receivedAt\n  }\n": types.ConsoleFailedWebhooksDocument,
    "\n  mutation ConsoleReplay($id: ID!) {\n    replayWebhookEvent(id: $id) {\n      event {\n        id\n        state\n      }\n    }\n  }\n": types.ConsoleReplayDocument,
    "\n  query ConsoleBilling($orgId: ID) {\n    billingPlans {\n      name\n    }\n    organization(id: $orgId) {\n      id\n      billing {\n        configured\n        plan\n        status\n        currentPeriodEnd\n        cancelAtPeriodEnd\n        paymentState\n        restriction\n        usage {\n          meter\n          quantity\n          reported\n        }\n      }\n    }\n  }\n": types.ConsoleBillingDocument,
    "\n  mutation ConsoleCheckout($plan: String!) {\n    startCheckout(plan: $plan) {\n      url\n    }\n  }\n": types.ConsoleCheckoutDocument,
    "\n  mutation ConsolePortal {\n    openBillingPortal {\n      url\n    }\n  }\n": types.ConsolePortalDocument,
    "\n  query ConsoleConversations($orgId: ID) {\n    organization(id: $orgId) {\n      id\n      conversations(first: 30) {\n        edges {\n          node {\n            id\n            channel\n            contact {\n              id\n              name\n            }\n            lastActivityAt\n            needsHuman\n            status\n          }\n        }\n      }\n    }\n  }\n": types.ConsoleConversationsDocument,
    "\n  query ConsoleThread($orgId: ID, $id: ID!) {\n    organization(id: $orgId) {\n      id\n      conversation(id: $id) {\n        id\n        channel\n        accountKey\n        contact {\n          id\n          name\n        }\n        needsHuman\n        status\n        lastInboundAt\n        messages(first: 50) {\n          edges {\n            node {\n              id\n              direction\n              status\n              kind\n              text\n              errorCode\n              errorMessage\n              createdAt\n              attachments {\n                type\n                url\n              }\n              postback {\n                title\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ConsoleThreadDocument,
    "\n  subscription ConsoleMessageEvents {\n    messageEvents {\n      type\n      conversationId\n      at\n    }\n  }\n": types.ConsoleMessageEventsDocument,
    "\n  mutation ConsoleSend($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      replayed\n      message {\n        id\n        status\n        errorCode\n        errorMessage\n      }\n    }\n  }\n": types.ConsoleSendDocument,
    "\n  mutation ConsoleDraft($id: ID!) {\n    draftReply(conversationId: $id) {\n      text\n      handover\n      reason\n    }\n  }\n": types.ConsoleDraftDocument,
    "\n  query ConsoleIntegrationClaim($provider: Provider!) {\n    integrationClaim(provider: $provider) {\n      proof\n      token\n    }\n  }\n": types.ConsoleIntegrationClaimDocument,
    "\n  query ConsoleProviders($orgId: ID) {\n    providers {\n      provider\n      displayName\n      configured\n      missingVariables\n      connectable\n      features\n      accountFields {\n        name\n        title\n        description\n        example\n        pattern\n        message\n      }\n    }\n    organization(id: $orgId) {\n      id\n      integrations {\n        ... on IntegrationCommon {\n          provider\n          status\n          configured\n          connectedAt\n          lastSyncedAt\n          errorMessage\n          account {\n            name\n            value\n          }\n        }\n      }\n    }\n  }\n": types.ConsoleProvidersDocument,
    "\n  mutation ConsoleConnect($input: ConnectIntegrationInput!) {\n    connectIntegration(input: $input) {\n      errorCode\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n        }\n      }\n    }\n  }\n": types.ConsoleConnectDocument,
    "\n  mutation ConsoleTest($provider: Provider!) {\n    testIntegration(provider: $provider) {\n      errorCode\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n          errorMessage\n          lastSyncedAt\n        }\n      }\n    }\n  }\n": types.ConsoleTestDocument,
    "\n  mutation ConsoleDisconnect($provider: Provider!) {\n    disconnectIntegration(provider: $provider) {\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n        }\n      }\n    }\n  }\n": types.ConsoleDisconnectDocument,
    "\n  query ConsolePendingClaims {\n    pendingIntegrationClaims(first: 50) {\n      organizationId\n      organizationName\n      requestedAt\n      proofAvailable\n      integration {\n        ... on IntegrationCommon {\n          provider\n          account {\n            name\n            value\n          }\n        }\n      }\n    }\n  }\n": types.ConsolePendingClaimsDocument,
    "\n  mutation ConsoleApproveClaim($organizationId: ID!, $provider: Provider!) {\n    approveIntegrationClaim(organizationId: $organizationId, provider: $provider) {\n      errorCode\n    }\n  }\n": types.ConsoleApproveClaimDocument,
    "\n  mutation ConsoleRejectClaim($organizationId: ID!, $provider: Provider!) {\n    rejectIntegrationClaim(organizationId: $organizationId, provider: $provider) {\n      errorCode\n    }\n  }\n": types.ConsoleRejectClaimDocument,
    "\n  query ConsoleSupport {\n    providers {\n      provider\n      displayName\n    }\n    supportAttention(first: 50) {\n      organizationId\n      organizationName\n      recentFailures\n      lastFailureAt\n      failedWebhookEvents\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n          errorMessage\n        }\n      }\n    }\n    unroutedWebhookEvents(first: 20) {\n      edges {\n        node {\n          id\n          provider\n          topic\n          receivedAt\n        }\n      }\n    }\n  }\n": types.ConsoleSupportDocument,
    "\n  query ConsoleOrganizations($search: String) {\n    organizations(search: $search, first: 50) {\n      id\n      name\n      createdAt\n    }\n  }\n": types.ConsoleOrganizationsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleViewer {\n    viewer {\n      userId\n      role\n      organization {\n        id\n        name\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleViewerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleAuditLog($orgId: ID, $provider: Provider, $outcome: AuditOutcome, $after: String) {\n    providers {\n      provider\n      displayName\n    }\n    organization(id: $orgId) {\n      id\n      auditLog(first: 25, after: $after, provider: $provider, outcome: $outcome) {\n        edges {\n          node {\n            id\n            at\n            action\n            outcome\n            errorCode\n            provider\n            accountKey\n            actorId\n            actorRole\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleAuditLogDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleFailedWebhooks($orgId: ID) {\n    providers {\n      provider\n      displayName\n    }\n    organization(id: $orgId) {\n      id\n      failed: webhookEvents(first: 20, state: FAILED) {\n        edges {\n          node {\n            ...ConsoleWebhookEvent\n          }\n        }\n      }\n      dead: webhookEvents(first: 20, state: DEAD) {\n        edges {\n          node {\n            ...ConsoleWebhookEvent\n          }\n        }\n      }\n    }\n  }\n\n  fragment ConsoleWebhookEvent on WebhookEvent {\n    id\n    provider\n    topic\n    state\n    attempts\n    lastError\n    receivedAt\n  }\n"): typeof import('./graphql').ConsoleFailedWebhooksDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleReplay($id: ID!) {\n    replayWebhookEvent(id: $id) {\n      event {\n        id\n        state\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleReplayDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleBilling($orgId: ID) {\n    billingPlans {\n      name\n    }\n    organization(id: $orgId) {\n      id\n      billing {\n        configured\n        plan\n        status\n        currentPeriodEnd\n        cancelAtPeriodEnd\n        paymentState\n        restriction\n        usage {\n          meter\n          quantity\n          reported\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleBillingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCheckout($plan: String!) {\n    startCheckout(plan: $plan) {\n      url\n    }\n  }\n"): typeof import('./graphql').ConsoleCheckoutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsolePortal {\n    openBillingPortal {\n      url\n    }\n  }\n"): typeof import('./graphql').ConsolePortalDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleConversations($orgId: ID) {\n    organization(id: $orgId) {\n      id\n      conversations(first: 30) {\n        edges {\n          node {\n            id\n            channel\n            contact {\n              id\n              name\n            }\n            lastActivityAt\n            needsHuman\n            status\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleConversationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleThread($orgId: ID, $id: ID!) {\n    organization(id: $orgId) {\n      id\n      conversation(id: $id) {\n        id\n        channel\n        accountKey\n        contact {\n          id\n          name\n        }\n        needsHuman\n        status\n        lastInboundAt\n        messages(first: 50) {\n          edges {\n            node {\n              id\n              direction\n              status\n              kind\n              text\n              errorCode\n              errorMessage\n              createdAt\n              attachments {\n                type\n                url\n              }\n              postback {\n                title\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleThreadDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConsoleMessageEvents {\n    messageEvents {\n      type\n      conversationId\n      at\n    }\n  }\n"): typeof import('./graphql').ConsoleMessageEventsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleSend($input: SendMessageInput!) {\n    sendMessage(input: $input) {\n      replayed\n      message {\n        id\n        status\n        errorCode\n        errorMessage\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleSendDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDraft($id: ID!) {\n    draftReply(conversationId: $id) {\n      text\n      handover\n      reason\n    }\n  }\n"): typeof import('./graphql').ConsoleDraftDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleIntegrationClaim($provider: Provider!) {\n    integrationClaim(provider: $provider) {\n      proof\n      token\n    }\n  }\n"): typeof import('./graphql').ConsoleIntegrationClaimDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleProviders($orgId: ID) {\n    providers {\n      provider\n      displayName\n      configured\n      missingVariables\n      connectable\n      features\n      accountFields {\n        name\n        title\n        description\n        example\n        pattern\n        message\n      }\n    }\n    organization(id: $orgId) {\n      id\n      integrations {\n        ... on IntegrationCommon {\n          provider\n          status\n          configured\n          connectedAt\n          lastSyncedAt\n          errorMessage\n          account {\n            name\n            value\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleProvidersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleConnect($input: ConnectIntegrationInput!) {\n    connectIntegration(input: $input) {\n      errorCode\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleConnectDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleTest($provider: Provider!) {\n    testIntegration(provider: $provider) {\n      errorCode\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n          errorMessage\n          lastSyncedAt\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleTestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDisconnect($provider: Provider!) {\n    disconnectIntegration(provider: $provider) {\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleDisconnectDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsolePendingClaims {\n    pendingIntegrationClaims(first: 50) {\n      organizationId\n      organizationName\n      requestedAt\n      proofAvailable\n      integration {\n        ... on IntegrationCommon {\n          provider\n          account {\n            name\n            value\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsolePendingClaimsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleApproveClaim($organizationId: ID!, $provider: Provider!) {\n    approveIntegrationClaim(organizationId: $organizationId, provider: $provider) {\n      errorCode\n    }\n  }\n"): typeof import('./graphql').ConsoleApproveClaimDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRejectClaim($organizationId: ID!, $provider: Provider!) {\n    rejectIntegrationClaim(organizationId: $organizationId, provider: $provider) {\n      errorCode\n    }\n  }\n"): typeof import('./graphql').ConsoleRejectClaimDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleSupport {\n    providers {\n      provider\n      displayName\n    }\n    supportAttention(first: 50) {\n      organizationId\n      organizationName\n      recentFailures\n      lastFailureAt\n      failedWebhookEvents\n      integration {\n        ... on IntegrationCommon {\n          provider\n          status\n          errorMessage\n        }\n      }\n    }\n    unroutedWebhookEvents(first: 20) {\n      edges {\n        node {\n          id\n          provider\n          topic\n          receivedAt\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ConsoleSupportDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleOrganizations($search: String) {\n    organizations(search: $search, first: 50) {\n      id\n      name\n      createdAt\n    }\n  }\n"): typeof import('./graphql').ConsoleOrganizationsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
