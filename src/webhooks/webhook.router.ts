import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { ProviderId } from '../datasources/types';
import type { ErrorCode } from '../errors/codes';
import { GatewayError } from '../errors/gateway-error';
import type { Logger } from '../observability/logger';
import type { WebhookInbox } from './webhook-inbox';

/** Providers' deliveries are small (Shopify's largest payloads are tens of kilobytes). */
const MAX_BODY = '1mb';

const errorBody = (message: string, code: ErrorCode) => ({ errors: [{ message, extensions: { code } }] });

/**
 * `POST /webhooks/:provider`, and `/api/webhooks/messenger` (the seed's path) for Messenger. Mounted
 * before any JSON parser: the signature is over the bytes exactly as sent, so the body is read raw.
 */
export function webhookRouter(inbox: WebhookInbox, publicBaseUrl: string | undefined): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: MAX_BODY });

  // Unknown providers and unconfigured ones are answered before the body is read.
  const checkProvider =
    (fixed?: ProviderId): RequestHandler =>
    (req, res, next) => {
      const provider = fixed ?? String(req.params.provider);
      if (!inbox.webhooksOf(provider)) {
        res.status(404).json(errorBody('No webhooks for this provider.', 'NOT_FOUND'));
        return;
      }
      try {
        inbox.envFor(provider as ProviderId);
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        res.status(503).json(errorBody(error.message, error.code));
        return;
      }
      res.locals.webhookProvider = provider;
      next();
    };

  const receive: RequestHandler = async (req: Request, res: Response) => {
    const logger = res.locals.logger as Logger;
    const provider = res.locals.webhookProvider as ProviderId;
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const publicUrl = `${publicBaseUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.get('host')}`}${req.originalUrl}`;
    const result = await inbox.receive(
      provider,
      { rawBody, headers: req.headers, url: req.originalUrl, publicUrl },
      logger,
    );
    switch (result.status) {
      case 'bad-signature':
        res
          .status(401)
          .json(errorBody('The webhook signature is missing or does not match.', 'UNAUTHENTICATED'));
        return;
      case 'unreadable':
        res
          .status(400)
          .json(errorBody('The webhook has no readable event id, topic or account.', 'BAD_USER_INPUT'));
        return;
      default:
        // A duplicate is acknowledged like the first copy: the provider must stop retrying it.
        res.status(200).json({ received: true });
    }
  };

  // A provider's subscription handshake (Meta verifies a callback URL with a GET before using it).
  const handshake: RequestHandler = (req, res) => {
    const provider = res.locals.webhookProvider as ProviderId;
    const answer = inbox.webhooksOf(provider)?.handshake?.(req.query, inbox.envFor(provider));
    if (!answer) {
      res.status(404).json(errorBody('This provider has no webhook handshake.', 'NOT_FOUND'));
      return;
    }
    res.status(answer.status).type('text/plain').send(answer.body);
  };

  router.get('/webhooks/:provider', checkProvider(), handshake);
  router.get('/api/webhooks/messenger', checkProvider('messenger'), handshake);
  // Twilio's webhook path of the issue; before `:provider`, which would read "twilio" as a provider.
  router.post('/webhooks/twilio', checkProvider('whatsapp'), raw, receive);
  router.post('/webhooks/:provider', checkProvider(), raw, receive);
  router.post('/api/webhooks/messenger', checkProvider('messenger'), raw, receive);
  return router;
}
