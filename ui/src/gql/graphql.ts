/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AttachmentType =
  | 'AUDIO'
  | 'FILE'
  | 'IMAGE'
  | 'VIDEO';

export type AuditOutcome =
  | 'DENIED'
  | 'ERROR'
  | 'OK';

/** Whether the organization's payments are up to date. */
export type BillingPaymentState =
  /** No subscription and no invoice yet. */
  | 'NONE'
  | 'OK'
  /** Stripe could not collect a payment (subscription past_due, or the last invoice failed); it retries. */
  | 'PAST_DUE'
  /** Stripe gave up retrying (subscription unpaid). */
  | 'UNPAID';

/** What the platform's past-due policy (BILLING_PAST_DUE_POLICY) blocks for this organization now. */
export type BillingRestriction =
  /** Every query and mutation other than reading billing and the billing mutations answers FORBIDDEN. */
  | 'BLOCKED'
  | 'NONE'
  /** Mutations other than the billing ones answer FORBIDDEN; reads work. */
  | 'READ_ONLY';

export type ButtonInput = {
  payload?: string | null | undefined;
  title: string;
  url?: string | null | undefined;
};

export type ButtonsContentInput = {
  /** 1 to 3 buttons: each with a payload (postback) or a url (web URL), not both. */
  buttons: Array<ButtonInput>;
  /** 1 to 640 characters. */
  text: string;
};

/** A messaging channel: the provider that carries the conversation. */
export type Channel =
  | 'MESSENGER'
  | 'WHATSAPP';

/** Exactly one provider's account identifier; each provider adds its own field. */
export type ConnectIntegrationInput =
  {   klaviyo: KlaviyoConnectInput; kustomer?: never; messenger?: never; openai?: never; shopify?: never; stripe?: never; whatsapp?: never; }
  |  { klaviyo?: never;   kustomer: KustomerConnectInput; messenger?: never; openai?: never; shopify?: never; stripe?: never; whatsapp?: never; }
  |  { klaviyo?: never; kustomer?: never;   messenger: MessengerConnectInput; openai?: never; shopify?: never; stripe?: never; whatsapp?: never; }
  |  { klaviyo?: never; kustomer?: never; messenger?: never;   openai: OpenAiConnectInput; shopify?: never; stripe?: never; whatsapp?: never; }
  |  { klaviyo?: never; kustomer?: never; messenger?: never; openai?: never;   shopify: ShopifyConnectInput; stripe?: never; whatsapp?: never; }
  |  { klaviyo?: never; kustomer?: never; messenger?: never; openai?: never; shopify?: never;   stripe: StripeConnectInput; whatsapp?: never; }
  |  { klaviyo?: never; kustomer?: never; messenger?: never; openai?: never; shopify?: never; stripe?: never;   whatsapp: WhatsAppConnectInput; };

export type ConversationStatus =
  | 'CLOSED'
  | 'OPEN';

export type IntegrationStatus =
  | 'CONNECTED'
  | 'DISCONNECTED'
  | 'ERROR'
  /** Waits for a platform administrator's approval or the organization's proof of control; provider calls answer INTEGRATION_PENDING_APPROVAL. */
  | 'PENDING';

export type KlaviyoConnectInput = {
  /** The six-character public company id, from Klaviyo's Settings → Account → API keys. */
  companyId: string;
};

export type KustomerConnectInput = {
  subdomain: string;
};

export type MediaContentInput = {
  /** Sent with the media where the channel allows it (WhatsApp); Messenger cannot, and refuses a caption (BAD_USER_INPUT) rather than drop text the shopper would never see. */
  caption?: string | null | undefined;
  type: AttachmentType;
  /** An absolute http(s) URL the channel fetches. */
  url: string;
};

/** Exactly one kind of content. */
export type MessageContentInput =
  {   buttons: ButtonsContentInput; media?: never; template?: never; text?: never; }
  |  { buttons?: never;   media: MediaContentInput; template?: never; text?: never; }
  |  { buttons?: never; media?: never;   template: TemplateContentInput; text?: never; }
  |  { buttons?: never; media?: never; template?: never;   text: TextContentInput; };

export type MessageDirection =
  /** From the contact (shopper) to the organization. */
  | 'INBOUND'
  /** From the organization to the contact. */
  | 'OUTBOUND';

export type MessageEventType =
  /** A new inbound message. */
  | 'MESSAGE_RECEIVED'
  /** An outbound message was handed to the channel. */
  | 'MESSAGE_SENT'
  /** An outbound message's status changed (delivered, read, failed). */
  | 'STATUS_CHANGED';

export type MessageKind =
  | 'BUTTONS'
  | 'MEDIA'
  /** A shopper pressed a button (see `postback`). */
  | 'POSTBACK'
  | 'TEMPLATE'
  | 'TEXT';

export type MessageStatus =
  | 'DELIVERED'
  /** Outbound, not delivered: `errorCode` and `errorMessage` say why. */
  | 'FAILED'
  /** Outbound, the send is under way (a retry with the same idempotency key while it is answers this). */
  | 'PENDING'
  | 'QUEUED'
  | 'READ'
  /** Inbound, stored. */
  | 'RECEIVED'
  | 'SENT';

export type MessengerConnectInput = {
  pageId: string;
};

/**
 * OpenAI needs no account identifier and no connect step: AI is available to every organization once
 * the platform set OPENAI_API_KEY. Connecting only records the card; it changes nothing else.
 */
export type OpenAiConnectInput = {
  /** Always true; present because GraphQL input types need a field. */
  enabled?: boolean | null | undefined;
};

/**
 * Every provider the gateway speaks to. Each provider's own SDL (schema/providers/<p>.graphql) adds
 * its value with `extend enum Provider`, its type to `Integration` and its input to
 * `ConnectIntegrationInput`: adding a provider edits no shared file.
 */
export type Provider =
  | 'KLAVIYO'
  | 'KUSTOMER'
  | 'MESSENGER'
  | 'OPENAI'
  | 'SHOPIFY'
  | 'STRIPE'
  | 'WHATSAPP';

export type QuickReplyInput = {
  payload: string;
  title: string;
};

export type Role =
  | 'ADMIN'
  | 'MEMBER'
  | 'PLATFORM_ADMIN';

export type SendMessageInput = {
  channel?: Channel | null | undefined;
  /** The contact's id on the channel (PSID, or `whatsapp:+E164`). */
  contactId?: string | null | undefined;
  content: MessageContentInput;
  /** The conversation to reply in; or give `channel` and `contactId` to write first. */
  conversationId?: string | number | null | undefined;
  /**
   * Chosen by the client, 1 to 200 printable characters, unique per message within the organization:
   * sending again with the same key returns the first message and sends nothing.
   */
  idempotencyKey: string;
  /** Messenger: a message tag (e.g. HUMAN_AGENT) that allows sending outside the 24-hour window. */
  messageTag?: string | null | undefined;
};

export type ShopifyConnectInput = {
  /** The `mystore` of mystore.myshopify.com (lowercase letters, digits, hyphens). */
  storeName: string;
};

/** Stripe bills the organization through the platform's account: there is nothing to connect (refused). */
export type StripeConnectInput = {
  /** Always true; present because GraphQL input types need a field. */
  enabled?: boolean | null | undefined;
};

export type TemplateContentInput = {
  /** The approved template's id (WhatsApp: the Content SID). */
  id: string;
  variables?: Array<TemplateVariableInput> | null | undefined;
};

export type TemplateVariableInput = {
  name: string;
  value: string;
};

export type TextContentInput = {
  /** 1 to 2000 characters. */
  body: string;
  /** Up to 13 (Messenger's limit); a title of 1 to 20 characters, a payload of 1 to 1000. */
  quickReplies?: Array<QuickReplyInput> | null | undefined;
};

/** Where a stored webhook event stands in the inbox (README, "Webhooks"). */
export type WebhookEventState =
  /** Every attempt failed; replay it once the cause is fixed. */
  | 'DEAD'
  /** Processed. */
  | 'DONE'
  /** The last attempt failed; it is retried with backoff. */
  | 'FAILED'
  /** Stored and queued; not processed yet. */
  | 'PENDING'
  /** A worker is processing it now. */
  | 'PROCESSING'
  /** No organization has connected the account it is about. */
  | 'UNROUTED'
  /** The gateway has nothing to do for this topic; stored for the record. */
  | 'UNSUPPORTED';

export type WhatsAppConnectInput = {
  /** E.164, such as +14155238886 (a `whatsapp:` prefix is accepted). */
  businessNumber: string;
};

export type ConsoleViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleViewerQuery = { viewer: { userId: string, role: Role, organization: { id: string, name: string } } };

export type ConsoleAuditLogQueryVariables = Exact<{
  orgId?: string | number | null | undefined;
  provider?: Provider | null | undefined;
  outcome?: AuditOutcome | null | undefined;
  after?: string | null | undefined;
}>;


export type ConsoleAuditLogQuery = { providers: Array<{ provider: Provider, displayName: string }>, organization: { id: string, auditLog: { edges: Array<{ node: { id: string, at: string, action: string, outcome: AuditOutcome, errorCode: string | null, provider: Provider | null, accountKey: string | null, actorId: string | null, actorRole: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } };

export type ConsoleFailedWebhooksQueryVariables = Exact<{
  orgId?: string | number | null | undefined;
}>;


export type ConsoleFailedWebhooksQuery = { providers: Array<{ provider: Provider, displayName: string }>, organization: { id: string, failed: { edges: Array<{ node: { id: string, provider: Provider, topic: string | null, state: WebhookEventState, attempts: number, lastError: string | null, receivedAt: string } }> }, dead: { edges: Array<{ node: { id: string, provider: Provider, topic: string | null, state: WebhookEventState, attempts: number, lastError: string | null, receivedAt: string } }> } } };

export type ConsoleWebhookEventFragment = { id: string, provider: Provider, topic: string | null, state: WebhookEventState, attempts: number, lastError: string | null, receivedAt: string };

export type ConsoleReplayMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleReplayMutation = { replayWebhookEvent: { event: { id: string, state: WebhookEventState } } };

export type ConsoleBillingQueryVariables = Exact<{
  orgId?: string | number | null | undefined;
}>;


export type ConsoleBillingQuery = { billingPlans: Array<{ name: string }>, organization: { id: string, billing: { configured: boolean, plan: string | null, status: string | null, currentPeriodEnd: string | null, cancelAtPeriodEnd: boolean, paymentState: BillingPaymentState, restriction: BillingRestriction, usage: Array<{ meter: string, quantity: number, reported: number }> } } };

export type ConsoleCheckoutMutationVariables = Exact<{
  plan: string;
}>;


export type ConsoleCheckoutMutation = { startCheckout: { url: string } };

export type ConsolePortalMutationVariables = Exact<{ [key: string]: never; }>;


export type ConsolePortalMutation = { openBillingPortal: { url: string } };

export type ConsoleConversationsQueryVariables = Exact<{
  orgId?: string | number | null | undefined;
}>;


export type ConsoleConversationsQuery = { organization: { id: string, conversations: { edges: Array<{ node: { id: string, channel: Channel, lastActivityAt: string, needsHuman: boolean, status: ConversationStatus, contact: { id: string, name: string | null } } }> } } };

export type ConsoleThreadQueryVariables = Exact<{
  orgId?: string | number | null | undefined;
  id: string | number;
}>;


export type ConsoleThreadQuery = { organization: { id: string, conversation: { id: string, channel: Channel, accountKey: string, needsHuman: boolean, status: ConversationStatus, lastInboundAt: string | null, contact: { id: string, name: string | null }, messages: { edges: Array<{ node: { id: string, direction: MessageDirection, status: MessageStatus, kind: MessageKind, text: string | null, errorCode: string | null, errorMessage: string | null, createdAt: string, attachments: Array<{ type: AttachmentType, url: string }>, postback: { title: string } | null } }> } } | null } };

export type ConsoleMessageEventsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleMessageEventsSubscription = { messageEvents: { type: MessageEventType, conversationId: string, at: string } };

export type ConsoleSendMutationVariables = Exact<{
  input: SendMessageInput;
}>;


export type ConsoleSendMutation = { sendMessage: { replayed: boolean, message: { id: string, status: MessageStatus, errorCode: string | null, errorMessage: string | null } } };

export type ConsoleDraftMutationVariables = Exact<{
  id: string | number;
}>;


export type ConsoleDraftMutation = { draftReply: { text: string | null, handover: boolean, reason: string | null } };

export type ConsoleIntegrationClaimQueryVariables = Exact<{
  provider: Provider;
}>;


export type ConsoleIntegrationClaimQuery = { integrationClaim: { proof: string | null, token: string | null } | null };

export type ConsoleProvidersQueryVariables = Exact<{
  orgId?: string | number | null | undefined;
}>;


export type ConsoleProvidersQuery = { providers: Array<{ provider: Provider, displayName: string, configured: boolean, missingVariables: Array<string>, connectable: boolean, features: Array<string>, accountFields: Array<{ name: string, title: string, description: string, example: string, pattern: string, message: string }> }>, organization: { id: string, integrations: Array<
      | { provider: Provider, status: IntegrationStatus, configured: boolean, connectedAt: string | null, lastSyncedAt: string | null, errorMessage: string | null, account: Array<{ name: string, value: string }> }
      | { provider: Provider, status: IntegrationStatus, configured: boolean, connectedAt: string | null, lastSyncedAt: string | null, errorMessage: string | null, account: Array<{ name: string, value: string }> }
      | { provider: Provider, status: IntegrationStatus, configured: boolean, connectedAt: string | null, lastSyncedAt: string | null, errorMessage: string | null, account: Array<{ name: string, value: string }> }
      | { provider: Provider, status: IntegrationStatus, configured: boolean, connectedAt: string | null, lastSyncedAt: string | null, errorMessage: string | null, account: Array<{ name: string, value: string }> }
      | { provider: Provider, status: IntegrationStatus, configured: boolean, connectedAt: string | null, lastSyncedAt: string | null, errorMessage: string | null, account: Array<{ name: string, value: string }> }
      | { provider: Provider, status: IntegrationStatus, configured: boolean, connectedAt: string | null, lastSyncedAt: string | null, errorMessage: string | null, account: Array<{ name: string, value: string }> }
      | { provider: Provider, status: IntegrationStatus, configured: boolean, connectedAt: string | null, lastSyncedAt: string | null, errorMessage: string | null, account: Array<{ name: string, value: string }> }
    > } };

export type ConsoleConnectMutationVariables = Exact<{
  input: ConnectIntegrationInput;
}>;


export type ConsoleConnectMutation = { connectIntegration: { errorCode: string | null, integration:
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
     } };

export type ConsoleTestMutationVariables = Exact<{
  provider: Provider;
}>;


export type ConsoleTestMutation = { testIntegration: { errorCode: string | null, integration:
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null, lastSyncedAt: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null, lastSyncedAt: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null, lastSyncedAt: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null, lastSyncedAt: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null, lastSyncedAt: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null, lastSyncedAt: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null, lastSyncedAt: string | null }
     } };

export type ConsoleDisconnectMutationVariables = Exact<{
  provider: Provider;
}>;


export type ConsoleDisconnectMutation = { disconnectIntegration: { integration:
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
      | { provider: Provider, status: IntegrationStatus }
     } };

export type ConsolePendingClaimsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsolePendingClaimsQuery = { pendingIntegrationClaims: Array<{ organizationId: string, organizationName: string, requestedAt: string | null, proofAvailable: boolean, integration:
      | { provider: Provider, account: Array<{ name: string, value: string }> }
      | { provider: Provider, account: Array<{ name: string, value: string }> }
      | { provider: Provider, account: Array<{ name: string, value: string }> }
      | { provider: Provider, account: Array<{ name: string, value: string }> }
      | { provider: Provider, account: Array<{ name: string, value: string }> }
      | { provider: Provider, account: Array<{ name: string, value: string }> }
      | { provider: Provider, account: Array<{ name: string, value: string }> }
     }> };

export type ConsoleApproveClaimMutationVariables = Exact<{
  organizationId: string | number;
  provider: Provider;
}>;


export type ConsoleApproveClaimMutation = { approveIntegrationClaim: { errorCode: string | null } };

export type ConsoleRejectClaimMutationVariables = Exact<{
  organizationId: string | number;
  provider: Provider;
}>;


export type ConsoleRejectClaimMutation = { rejectIntegrationClaim: { errorCode: string | null } };

export type ConsoleSupportQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleSupportQuery = { providers: Array<{ provider: Provider, displayName: string }>, supportAttention: Array<{ organizationId: string, organizationName: string, recentFailures: number, lastFailureAt: string | null, failedWebhookEvents: number, integration:
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null }
      | { provider: Provider, status: IntegrationStatus, errorMessage: string | null }
     }>, unroutedWebhookEvents: { edges: Array<{ node: { id: string, provider: Provider, topic: string | null, receivedAt: string } }> } };

export type ConsoleOrganizationsQueryVariables = Exact<{
  search?: string | null | undefined;
}>;


export type ConsoleOrganizationsQuery = { organizations: Array<{ id: string, name: string, createdAt: string }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ConsoleWebhookEventFragmentDoc = new TypedDocumentString(`
    fragment ConsoleWebhookEvent on WebhookEvent {
  id
  provider
  topic
  state
  attempts
  lastError
  receivedAt
}
    `, {"fragmentName":"ConsoleWebhookEvent"}) as unknown as TypedDocumentString<ConsoleWebhookEventFragment, unknown>;
export const ConsoleViewerDocument = new TypedDocumentString(`
    query ConsoleViewer {
  viewer {
    userId
    role
    organization {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleViewerQuery, ConsoleViewerQueryVariables>;
export const ConsoleAuditLogDocument = new TypedDocumentString(`
    query ConsoleAuditLog($orgId: ID, $provider: Provider, $outcome: AuditOutcome, $after: String) {
  providers {
    provider
    displayName
  }
  organization(id: $orgId) {
    id
    auditLog(first: 25, after: $after, provider: $provider, outcome: $outcome) {
      edges {
        node {
          id
          at
          action
          outcome
          errorCode
          provider
          accountKey
          actorId
          actorRole
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleAuditLogQuery, ConsoleAuditLogQueryVariables>;
export const ConsoleFailedWebhooksDocument = new TypedDocumentString(`
    query ConsoleFailedWebhooks($orgId: ID) {
  providers {
    provider
    displayName
  }
  organization(id: $orgId) {
    id
    failed: webhookEvents(first: 20, state: FAILED) {
      edges {
        node {
          ...ConsoleWebhookEvent
        }
      }
    }
    dead: webhookEvents(first: 20, state: DEAD) {
      edges {
        node {
          ...ConsoleWebhookEvent
        }
      }
    }
  }
}
    fragment ConsoleWebhookEvent on WebhookEvent {
  id
  provider
  topic
  state
  attempts
  lastError
  receivedAt
}`) as unknown as TypedDocumentString<ConsoleFailedWebhooksQuery, ConsoleFailedWebhooksQueryVariables>;
export const ConsoleReplayDocument = new TypedDocumentString(`
    mutation ConsoleReplay($id: ID!) {
  replayWebhookEvent(id: $id) {
    event {
      id
      state
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleReplayMutation, ConsoleReplayMutationVariables>;
export const ConsoleBillingDocument = new TypedDocumentString(`
    query ConsoleBilling($orgId: ID) {
  billingPlans {
    name
  }
  organization(id: $orgId) {
    id
    billing {
      configured
      plan
      status
      currentPeriodEnd
      cancelAtPeriodEnd
      paymentState
      restriction
      usage {
        meter
        quantity
        reported
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleBillingQuery, ConsoleBillingQueryVariables>;
export const ConsoleCheckoutDocument = new TypedDocumentString(`
    mutation ConsoleCheckout($plan: String!) {
  startCheckout(plan: $plan) {
    url
  }
}
    `) as unknown as TypedDocumentString<ConsoleCheckoutMutation, ConsoleCheckoutMutationVariables>;
export const ConsolePortalDocument = new TypedDocumentString(`
    mutation ConsolePortal {
  openBillingPortal {
    url
  }
}
    `) as unknown as TypedDocumentString<ConsolePortalMutation, ConsolePortalMutationVariables>;
export const ConsoleConversationsDocument = new TypedDocumentString(`
    query ConsoleConversations($orgId: ID) {
  organization(id: $orgId) {
    id
    conversations(first: 30) {
      edges {
        node {
          id
          channel
          contact {
            id
            name
          }
          lastActivityAt
          needsHuman
          status
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleConversationsQuery, ConsoleConversationsQueryVariables>;
export const ConsoleThreadDocument = new TypedDocumentString(`
    query ConsoleThread($orgId: ID, $id: ID!) {
  organization(id: $orgId) {
    id
    conversation(id: $id) {
      id
      channel
      accountKey
      contact {
        id
        name
      }
      needsHuman
      status
      lastInboundAt
      messages(first: 50) {
        edges {
          node {
            id
            direction
            status
            kind
            text
            errorCode
            errorMessage
            createdAt
            attachments {
              type
              url
            }
            postback {
              title
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleThreadQuery, ConsoleThreadQueryVariables>;
export const ConsoleMessageEventsDocument = new TypedDocumentString(`
    subscription ConsoleMessageEvents {
  messageEvents {
    type
    conversationId
    at
  }
}
    `) as unknown as TypedDocumentString<ConsoleMessageEventsSubscription, ConsoleMessageEventsSubscriptionVariables>;
export const ConsoleSendDocument = new TypedDocumentString(`
    mutation ConsoleSend($input: SendMessageInput!) {
  sendMessage(input: $input) {
    replayed
    message {
      id
      status
      errorCode
      errorMessage
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSendMutation, ConsoleSendMutationVariables>;
export const ConsoleDraftDocument = new TypedDocumentString(`
    mutation ConsoleDraft($id: ID!) {
  draftReply(conversationId: $id) {
    text
    handover
    reason
  }
}
    `) as unknown as TypedDocumentString<ConsoleDraftMutation, ConsoleDraftMutationVariables>;
export const ConsoleIntegrationClaimDocument = new TypedDocumentString(`
    query ConsoleIntegrationClaim($provider: Provider!) {
  integrationClaim(provider: $provider) {
    proof
    token
  }
}
    `) as unknown as TypedDocumentString<ConsoleIntegrationClaimQuery, ConsoleIntegrationClaimQueryVariables>;
export const ConsoleProvidersDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ConsoleProvidersQuery, ConsoleProvidersQueryVariables>;
export const ConsoleConnectDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ConsoleConnectMutation, ConsoleConnectMutationVariables>;
export const ConsoleTestDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ConsoleTestMutation, ConsoleTestMutationVariables>;
export const ConsoleDisconnectDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<ConsoleDisconnectMutation, ConsoleDisconnectMutationVariables>;
export const ConsolePendingClaimsDocument = new TypedDocumentString(`
    query ConsolePendingClaims {
  pendingIntegrationClaims(first: 50) {
    organizationId
    organizationName
    requestedAt
    proofAvailable
    integration {
      ... on IntegrationCommon {
        provider
        account {
          name
          value
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsolePendingClaimsQuery, ConsolePendingClaimsQueryVariables>;
export const ConsoleApproveClaimDocument = new TypedDocumentString(`
    mutation ConsoleApproveClaim($organizationId: ID!, $provider: Provider!) {
  approveIntegrationClaim(organizationId: $organizationId, provider: $provider) {
    errorCode
  }
}
    `) as unknown as TypedDocumentString<ConsoleApproveClaimMutation, ConsoleApproveClaimMutationVariables>;
export const ConsoleRejectClaimDocument = new TypedDocumentString(`
    mutation ConsoleRejectClaim($organizationId: ID!, $provider: Provider!) {
  rejectIntegrationClaim(organizationId: $organizationId, provider: $provider) {
    errorCode
  }
}
    `) as unknown as TypedDocumentString<ConsoleRejectClaimMutation, ConsoleRejectClaimMutationVariables>;
export const ConsoleSupportDocument = new TypedDocumentString(`
    query ConsoleSupport {
  providers {
    provider
    displayName
  }
  supportAttention(first: 50) {
    organizationId
    organizationName
    recentFailures
    lastFailureAt
    failedWebhookEvents
    integration {
      ... on IntegrationCommon {
        provider
        status
        errorMessage
      }
    }
  }
  unroutedWebhookEvents(first: 20) {
    edges {
      node {
        id
        provider
        topic
        receivedAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ConsoleSupportQuery, ConsoleSupportQueryVariables>;
export const ConsoleOrganizationsDocument = new TypedDocumentString(`
    query ConsoleOrganizations($search: String) {
  organizations(search: $search, first: 50) {
    id
    name
    createdAt
  }
}
    `) as unknown as TypedDocumentString<ConsoleOrganizationsQuery, ConsoleOrganizationsQueryVariables>;