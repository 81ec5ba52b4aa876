import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { providers } from '../datasources/registry';
import type { ProviderId } from '../datasources/types';
import type { AuditEntry, AuditOutcomeValue } from '../db/audit.repo';
import { ERROR_CODES, isErrorCode } from '../errors/codes';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import type { GatewayContext } from './context';

/** The audit action of a read of customer data (README, "Isolation in depth"). */
export const READ_AUDIT_ACTION = 'read.customer_data';

/**
 * What counts as customer data: orders, customers, profiles, conversations and their messages.
 * A field is audited when it returns one of these (directly, in a list, or as a connection's
 * nodes); the list of fields is derived from the schema, so a new field returning an order is
 * audited without anyone remembering to mark it.
 */
export const CUSTOMER_DATA_TYPES: ReadonlySet<string> = new Set([
  'ShopifyOrder',
  'ShopifyCustomer',
  'ShopifyDraftOrder',
  'KlaviyoProfile',
  'KustomerCustomer',
  'KustomerConversation',
  'KustomerMessage',
  'Conversation',
  'Message',
]);

/** Field coordinate (`ShopifyIntegration.orders`) → the provider its data comes from, if any. */
export type CustomerDataFields = ReadonlyMap<string, ProviderId | null>;

const isWrapper = (name: string) => /(Connection|Edge|Payload)$/.test(name);

/** The customer-data type a field yields, looking through a connection's edges and nodes. */
function customerDataTypeOf(type: GraphQLNamedType): string | undefined {
  if (CUSTOMER_DATA_TYPES.has(type.name)) return type.name;
  if (!isObjectType(type) || !/(Connection|Edge)$/.test(type.name)) return undefined;
  const inner = type.getFields().node ?? type.getFields().edges;
  return inner ? customerDataTypeOf(getNamedType(inner.type)) : undefined;
}

function providerOfType(type: GraphQLObjectType): ProviderId | null {
  const name = type.name.toLowerCase();
  const id = Object.keys(providers).find((p) => name.startsWith(p.toLowerCase()));
  return (id as ProviderId | undefined) ?? null;
}

export function customerDataFields(schema: GraphQLSchema): CustomerDataFields {
  const fields = new Map<string, ProviderId | null>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || isWrapper(type.name)) continue;
    if (type === schema.getMutationType()) continue;
    for (const field of Object.values(type.getFields())) {
      if (customerDataTypeOf(getNamedType(field.type))) {
        fields.set(`${type.name}.${field.name}`, providerOfType(type));
      }
    }
  }
  return fields;
}

/**
 * Audit rows of reads, written in batches: a read must not wait for its audit row (the entry for a
 * mutation is written before the answer leaves, see audit.directive.ts; a read changes nothing, so
 * its row may follow a few milliseconds later). Rows are flushed every `flushMs` or when `maxRows`
 * are waiting, and on stop. A failed insert is logged, never raised into a response.
 */
export class ReadAuditWriter {
  private buffer: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (entries: AuditEntry[]) => Promise<void>,
    private readonly logger: Logger,
    private readonly options: { flushMs: number; maxRows: number } = { flushMs: 100, maxRows: 200 },
  ) {}

  add(entry: AuditEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length >= this.options.maxRows) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs);
  }

  /** Writes what is waiting; resolves once every row added before the call is stored (or logged as lost). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    // One insert at a time, in order: a slow database makes batches bigger, not more numerous.
    this.inFlight = this.inFlight.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.write(batch);
      } catch (error) {
        this.logger.error({ err: error, rows: batch.length }, 'read audit rows could not be written');
      }
    });
    return this.inFlight;
  }
}

interface Touched {
  fields: Set<string>;
  providers: Set<ProviderId>;
  errorCode: string | null;
}

/**
 * One audit row per query operation that touched customer data (action `read.customer_data`),
 * naming the operation, the providers and the fields. Fields are collected while they resolve
 * (willResolveField); the row is queued in willSendResponse with the outcome: `ok`, or the first
 * failing customer-data field's code (a refusal is `denied`, anything else `error`).
 */
export function readAuditPlugin(
  schema: GraphQLSchema,
  writer: ReadAuditWriter,
): ApolloServerPlugin<GatewayContext> {
  const fields = customerDataFields(schema);
  return {
    async requestDidStart() {
      const touched: Touched = { fields: new Set(), providers: new Set(), errorCode: null };
      let isQuery = false;
      return {
        async didResolveOperation({ operation }) {
          isQuery = operation?.operation === 'query';
          // The log stays in the order things happened: read rows queued before a mutation are
          // stored before the mutation's own row (usually nothing is waiting and this is free).
          if (operation?.operation === 'mutation') await writer.flush();
        },
        async executionDidStart() {
          if (!isQuery) return;
          return {
            willResolveField({ info }) {
              const coordinate = `${info.parentType.name}.${info.fieldName}`;
              if (!fields.has(coordinate)) return;
              touched.fields.add(coordinate);
              const provider = fields.get(coordinate);
              if (provider) touched.providers.add(provider);
              return (error) => {
                if (error && touched.errorCode === null) {
                  touched.errorCode = error instanceof GatewayError ? error.code : codeOf(error);
                }
              };
            },
          };
        },
        async willSendResponse({ contextValue, operationName }) {
          const viewer = contextValue.viewer;
          if (touched.fields.size === 0 || !viewer) return;
          const providerList = [...touched.providers].sort();
          const code = touched.errorCode;
          const outcome: AuditOutcomeValue =
            code === null ? 'ok' : isErrorCode(code) ? ERROR_CODES[code].outcome : 'error';
          writer.add({
            requestId: contextValue.requestId,
            organizationId: viewer.orgId,
            actorId: viewer.userId,
            actorRole: viewer.role,
            action: READ_AUDIT_ACTION,
            provider: providerList.length === 1 ? (providerList[0] ?? null) : null,
            accountKey: null,
            outcome,
            errorCode: code,
            arguments: {
              operation: operationName ?? null,
              providers: providerList,
              fields: [...touched.fields].sort(),
            },
          });
        },
      };
    },
  };
}

/** A resolver's error as GraphQL wraps it keeps the GatewayError as its originalError. */
function codeOf(error: Error): string {
  const original = (error as { originalError?: unknown }).originalError;
  if (original instanceof GatewayError) return original.code;
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}
