import express, { type Router } from 'express';
import { z } from 'zod';
import { DEMO_ORG_ID, DEMO_ORG_NAME } from '../auth/dev-secret';
import { issueToken } from '../auth/token-issuer';
import { claimsSchema, ROLES } from '../auth/viewer';
import type { Config } from '../config/config';

/**
 * POST /auth/dev-token: a token signed with the development secret, for the console's sign-in form
 * and the playground's prefilled headers. It exists only when the gateway signs with the development
 * secret (outside production, no AUTH_JWT_SECRET and no AUTH_JWKS_URL, see src/auth/dev-secret.ts):
 * there anyone who can reach the port can mint a token with `npm run token` anyway. Anywhere else the
 * route is absent (404), whatever NODE_ENV says.
 */
const requestSchema = z
  .object({
    orgId: claimsSchema.shape.org_id.default(DEMO_ORG_ID),
    orgName: claimsSchema.shape.org_name,
    role: z.enum(ROLES).default('admin'),
    userId: claimsSchema.shape.sub.default('demo-admin'),
  })
  .strict();

export function devSignInRouter(config: Config): Router {
  const router = express.Router();
  if (!config.devSigning || config.NODE_ENV === 'production' || !config.AUTH_JWT_SECRET) return router;
  const secret = config.AUTH_JWT_SECRET;
  router.post('/auth/dev-token', express.json({ limit: '4kb' }), async (req, res) => {
    const parsed = requestSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({
        error: 'BAD_USER_INPUT',
        message: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      });
      return;
    }
    const { orgId, role, userId } = parsed.data;
    const orgName = parsed.data.orgName ?? (orgId === DEMO_ORG_ID ? DEMO_ORG_NAME : undefined);
    const expiresInSeconds = 12 * 3600;
    const token = await issueToken(
      secret,
      { sub: userId, orgId, role, ...(orgName ? { orgName } : {}) },
      // A number would be read by jose as an absolute time (1970): give the lifetime as a span.
      {
        expiresIn: `${expiresInSeconds}s`,
        issuer: config.AUTH_JWT_ISSUER,
        audience: config.AUTH_JWT_AUDIENCE,
      },
    );
    res.setHeader('cache-control', 'no-store');
    res.json({ token, expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString() });
  });
  return router;
}
