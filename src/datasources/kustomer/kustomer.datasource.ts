import { GatewayError } from '../../errors/gateway-error';
import * as contact from '../contact-rules';
import { freeText, printable } from '../input-rules';
import { nullIfNotFound } from '../not-found';
import type { ProviderValues } from '../provider-values';
import type { KustomerClient } from './kustomer.client';
import * as M from './kustomer.mapper';
import { pageQuery, toConnection, type KustomerList } from './kustomer.paging';

/** Kustomer ids are MongoDB ObjectIds: 24 hex characters. */
const OBJECT_ID = /^[a-f0-9]{24}$/i;

const id = (kind: string, value: string) => {
  const trimmed = printable(value, `The ${kind} id`).trim();
  if (!OBJECT_ID.test(trimmed))
    throw new GatewayError('BAD_USER_INPUT', `"${value.slice(0, 80)}" is not a Kustomer ${kind} id.`);
  return trimmed.toLowerCase();
};

interface Single<A> {
  data: M.Resource<A>;
}

export interface TicketInput {
  customerId: string;
  name: string;
  status?: 'OPEN' | 'DONE' | null;
  priority?: number | null;
  assignedUserIds?: readonly string[] | null;
  assignedTeamIds?: readonly string[] | null;
  tags?: readonly string[] | null;
}

/**
 * One organization's Kustomer, for one GraphQL request. Endpoints and bodies follow
 * https://developer.kustomer.com/kustomer-api-docs/reference (each method names the page it follows).
 */
export class KustomerDataSource {
  constructor(
    private readonly client: KustomerClient,
    /** Reads Kustomer's attributes, which no contract types; one per request, like this data source. */
    private readonly values: ProviderValues,
  ) {}

  /**
   * By id (GET /v1/customers/{id}, reference/getcustomerbyid), email (GET /v1/customers/email={email},
   * reference/getcustomerbyemail) or phone (GET /v1/customers/phone={phone}, reference/getcustomerbyphone).
   */
  async customer(lookup: { id?: string | null; email?: string | null; phone?: string | null }) {
    const given = Object.values(lookup).filter((v) => v !== null && v !== undefined);
    if (given.length !== 1)
      throw new GatewayError('BAD_USER_INPUT', 'Give exactly one of id, email or phone.');
    let path: string;
    if (lookup.id) path = `/v1/customers/${id('customer', lookup.id)}`;
    else if (lookup.email)
      path = `/v1/customers/email=${encodeURIComponent(contact.email(lookup.email, 'email'))}`;
    else path = `/v1/customers/phone=${encodeURIComponent(contact.phone(lookup.phone!, 'phone'))}`;
    const body = await nullIfNotFound(this.client.request<Single<M.RawCustomer>>('GET', path));
    return body ? M.mapCustomer(body.data, this.values) : null;
  }

  /** GET /v1/customers/{id}/conversations (reference/getconversationsbycustomer), newest first as Kustomer sorts them. */
  async customerConversations(customerId: string, args: { first?: number | null; after?: string | null }) {
    const query = pageQuery(args);
    const list = await this.client.request<KustomerList<M.Resource<M.RawConversation>>>(
      'GET',
      `/v1/customers/${id('customer', customerId)}/conversations`,
      { query },
    );
    return toConnection(list, query, (r) => M.mapConversation(r, this.values));
  }

  /** GET /v1/conversations/{id} (reference/getconversationbyid). */
  async conversation(conversationId: string) {
    const body = await nullIfNotFound(
      this.client.request<Single<M.RawConversation>>(
        'GET',
        `/v1/conversations/${id('conversation', conversationId)}`,
      ),
    );
    return body ? M.mapConversation(body.data, this.values) : null;
  }

  /** GET /v1/conversations/{id}/messages (reference/getmessagesbyconversation). */
  async conversationMessages(conversationId: string, args: { first?: number | null; after?: string | null }) {
    const query = pageQuery(args);
    const list = await this.client.request<KustomerList<M.Resource<M.RawMessage>>>(
      'GET',
      `/v1/conversations/${id('conversation', conversationId)}/messages`,
      { query },
    );
    return toConnection(list, query, (r) => M.mapMessage(r, this.values));
  }

  /** POST /v1/conversations (reference/createaconversation): a conversation on a customer's timeline. */
  async createConversation(input: { customerId: string; name: string }) {
    return this.postConversation({ customer: id('customer', input.customerId), name: checkName(input.name) });
  }

  /**
   * A ticket is a conversation with the fields Kustomer uses for work management: `status`
   * (open/done), `priority` (1 lowest to 5 urgent), `assignedUsers`, `assignedTeams`, `tags`
   * (POST /v1/conversations, reference/createaconversation).
   */
  async createTicket(input: TicketInput) {
    const priority = input.priority ?? 3;
    if (!Number.isInteger(priority) || priority < 1 || priority > 5)
      throw new GatewayError('BAD_USER_INPUT', 'priority must be 1 to 5.');
    const ids = (kind: string, list: readonly string[] | null | undefined) =>
      (list ?? []).map((v) => id(kind, v));
    const tags = ids('tag', input.tags);
    return this.postConversation({
      customer: id('customer', input.customerId),
      name: checkName(input.name),
      status: (input.status ?? 'OPEN').toLowerCase(),
      priority,
      assignedUsers: ids('user', input.assignedUserIds),
      assignedTeams: ids('team', input.assignedTeamIds),
      ...(tags.length > 0 ? { tags } : {}),
    });
  }

  /**
   * A note on a conversation (POST /v1/conversations/{id}/notes, reference/createanotewithinconversation)
   * or on a customer (POST /v1/notes with the customer, reference/createanote).
   */
  async addNote(input: { conversationId?: string | null; customerId?: string | null; body: string }) {
    const body = freeText(input.body, 'body').trim();
    if (body.length < 1 || body.length > 10_000)
      throw new GatewayError('BAD_USER_INPUT', 'body must be 1 to 10000 characters.');
    if (Boolean(input.conversationId) === Boolean(input.customerId)) {
      throw new GatewayError('BAD_USER_INPUT', 'Give exactly one of conversationId or customerId.');
    }
    const response = input.conversationId
      ? await this.client.request<Single<M.RawNote>>(
          'POST',
          `/v1/conversations/${id('conversation', input.conversationId)}/notes`,
          { body: { body } },
        )
      : await this.client.request<Single<M.RawNote>>('POST', '/v1/notes', {
          body: { body, customer: id('customer', input.customerId!) },
        });
    return M.mapNote(response.data, this.values);
  }

  /** testIntegration: the cheapest authenticated read (GET /v1/customers?pageSize=1, reference/getcustomers). */
  async ping(): Promise<void> {
    await this.client.request('GET', '/v1/customers', { query: { page: '1', pageSize: '1' } });
  }

  private async postConversation(body: Record<string, unknown>) {
    // Not retried after a 5xx: a second POST could open a second conversation.
    const response = await this.client.request<Single<M.RawConversation>>('POST', '/v1/conversations', {
      body,
      idempotent: false,
    });
    return M.mapConversation(response.data, this.values);
  }
}

function checkName(name: string): string {
  const trimmed = printable(name, 'name').trim();
  if (trimmed.length < 1 || trimmed.length > 512)
    throw new GatewayError('BAD_USER_INPUT', 'name must be 1 to 512 characters.');
  return trimmed;
}
