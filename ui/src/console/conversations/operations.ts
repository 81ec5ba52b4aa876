import { graphql } from '../../gql';

export const CONVERSATIONS = graphql(`
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
`);

export const THREAD = graphql(`
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
`);

export const MESSAGE_EVENTS = graphql(`
  subscription ConsoleMessageEvents {
    messageEvents {
      type
      conversationId
      at
    }
  }
`);

export const SEND = graphql(`
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
`);

export const DRAFT = graphql(`
  mutation ConsoleDraft($id: ID!) {
    draftReply(conversationId: $id) {
      text
      handover
      reason
    }
  }
`);
