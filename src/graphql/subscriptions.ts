import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import {
  GraphQLError,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Viewer } from '../auth/viewer';
import { formatError } from '../errors/format-error';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import type { Services } from '../services/services';
import { armorProtection, asValidationErrors } from './armor';
import { complexityRule } from './complexity.rule';
import { createContext } from './context';

/** What a gateway offers the WebSocket side: its schema, services, and a hook to be stopped with it. */
export interface SubscriptionHost {
  schema: GraphQLSchema;
  services: Services;
  onStop(stop: () => Promise<void>): void;
}

interface ConnectionState {
  viewer?: Viewer;
  logger?: Logger;
}

/** `{ authorization: 'Bearer …' }` (as the HTTP header) or `{ token }` in connection_init's payload. */
function bearerOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const authorization = params?.authorization ?? params?.Authorization;
  if (typeof authorization === 'string' && authorization) return authorization;
  return typeof params?.token === 'string' && params.token ? `Bearer ${params.token}` : undefined;
}

/**
 * GraphQL subscriptions over graphql-ws on the HTTP server's `/graphql` path (queries and
 * mutations stay on HTTP). The connection is authenticated once by the token in connection_init:
 * without one it closes with 4401, with a refused one 4403. Apollo's validation rules and
 * formatError do not run here, so the same ones are applied explicitly.
 */
export function attachSubscriptions(server: Server, host: SubscriptionHost): WebSocketServer {
  const { services } = host;
  const production = services.config.NODE_ENV === 'production';
  const armor = armorProtection({ production });
  const rules: readonly ValidationRule[] = [...specifiedRules, complexityRule(), ...armor.validationRules];
  const wsServer = new WebSocketServer({ server, path: '/graphql' });
  const states = new WeakMap<object, ConnectionState>();
  const stateOf = (extra: object) => {
    let state = states.get(extra);
    if (!state) states.set(extra, (state = {}));
    return state;
  };

  const disposable = useServer(
    {
      schema: host.schema,
      validate: (schema: GraphQLSchema, document: DocumentNode) => {
        return asValidationErrors(validate(schema, document, rules), { production });
      },
      async onConnect(ctx) {
        const connectionId = randomUUID();
        const logger = services.logger.child({ connectionId, transport: 'ws' });
        const bearer = bearerOf(ctx.connectionParams);
        if (!bearer) {
          ctx.extra.socket.close(4401, 'Unauthorized');
          return false;
        }
        try {
          const viewer = await services.tokens.verify(bearer);
          if (!viewer) return false;
          await services.organizations.ensure(viewer.orgId, viewer.orgName);
          closeWhenExpired(ctx.extra.socket, viewer.expiresAtMs);
          Object.assign(stateOf(ctx.extra), { viewer, logger: logger.child({ orgId: viewer.orgId }) });
          return true;
        } catch (error) {
          if (!(error instanceof GatewayError))
            logger.error({ err: error }, 'subscription connection failed');
          // 4403 Forbidden: the token was refused (expired, wrong signature, bad claims).
          return false;
        }
      },
      onSubscribe(_ctx, _id, payload) {
        if (typeof payload.query !== 'string') return undefined;
        // Only subscriptions: queries and mutations keep their HTTP path (plugins, metrics, limits).
        let operation;
        try {
          operation = getOperationAST(
            // Parsed again by graphql-ws; an unparsable document is reported there.
            parse(payload.query),
            payload.operationName ?? undefined,
          );
        } catch {
          return undefined;
        }
        if (operation && operation.operation !== 'subscription') {
          return [
            new GraphQLError(
              'Only subscriptions are served over WebSocket; send queries and mutations over HTTP.',
              {
                extensions: { code: 'BAD_REQUEST' },
              },
            ),
          ];
        }
        return undefined;
      },
      context(ctx) {
        const state = stateOf(ctx.extra);
        return createContext(services, {
          requestId: randomUUID(),
          logger: state.logger ?? services.logger,
          viewer: state.viewer,
          authError: state.viewer ? undefined : new GatewayError('UNAUTHENTICATED'),
        });
      },
      onNext(ctx, _id, _payload, _args, result) {
        if (!result.errors?.length) return;
        const logger = stateOf(ctx.extra).logger ?? services.logger;
        return {
          ...result,
          errors: result.errors.map((error) => {
            const formatted = formatError(error.toJSON(), error);
            if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
              logger.error({ err: error.originalError ?? error }, 'subscription event failed');
            }
            return formatted;
          }),
        };
      },
      onError(_ctx, _id, _payload, errors) {
        return errors.map((error) => formatError(error.toJSON(), error));
      },
    },
    wsServer,
  );

  host.onStop(async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => wsServer.close(() => resolve()));
  });
  return wsServer;
}

/** setTimeout's longest delay; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A connection is authenticated once, at connection_init, and may outlive its token: it is closed
 * with 4403 when the token expires, so a client must reconnect with a current one.
 */
function closeWhenExpired(socket: WebSocketLike, expiresAtMs: number | undefined): void {
  if (expiresAtMs === undefined) return;
  const arm = (): void => {
    const delay = expiresAtMs - Date.now();
    if (delay <= 0) {
      socket.close(4403, 'Token expired');
      return;
    }
    timer = setTimeout(arm, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
  };
  let timer: NodeJS.Timeout | undefined;
  arm();
  socket.once('close', () => clearTimeout(timer));
}

interface WebSocketLike {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}
