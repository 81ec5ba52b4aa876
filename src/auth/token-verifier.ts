import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { GatewayError } from '../errors/gateway-error';
import { claimsSchema, type Viewer } from './viewer';

export interface TokenVerifierOptions {
  /** HS256 shared secret (AUTH_JWT_SECRET). */
  secret?: string | undefined;
  /** RS256/ES256 keys (AUTH_JWKS_URL). */
  jwksUrl?: string | undefined;
  issuer?: string | undefined;
  audience?: string | undefined;
}

/**
 * Clock difference tolerated between the token's issuer and this gateway, in seconds, for `exp`,
 * `nbf` and `iat`: a token that expired less than this long ago is still accepted.
 */
export const CLOCK_TOLERANCE_SECONDS = 30;

interface CachedViewer {
  viewer: Viewer;
  expiresAtMs: number;
}

/**
 * Verifies `Authorization: Bearer <JWT>` and returns the viewer. Verified tokens are remembered
 * until they expire (bounded), since the same token arrives on every request of a session and
 * checking its signature again proves nothing new.
 */
export class TokenVerifier {
  private readonly secretKey: Uint8Array | undefined;
  private readonly jwks: JWTVerifyGetKey | undefined;
  private readonly cache = new Map<string, CachedViewer>();

  constructor(private readonly options: TokenVerifierOptions) {
    this.secretKey = options.secret ? new TextEncoder().encode(options.secret) : undefined;
    this.jwks = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  }

  async verify(authorization: string | undefined): Promise<Viewer | undefined> {
    if (!authorization) return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1])
      throw new GatewayError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".');
    const token = match[1];
    const cached = this.cache.get(token);
    if (cached && cached.expiresAtMs > Date.now()) return cached.viewer;

    let payload;
    try {
      // Every token must expire: without `exp` a leaked token would be good forever.
      const verifyOptions = {
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      };
      if (this.jwks) {
        ({ payload } = await jwtVerify(token, this.jwks, {
          ...verifyOptions,
          algorithms: ['RS256', 'ES256'],
        }));
      } else if (this.secretKey) {
        ({ payload } = await jwtVerify(token, this.secretKey, { ...verifyOptions, algorithms: ['HS256'] }));
      } else {
        throw new GatewayError('UNAUTHENTICATED', 'The gateway has no key to verify tokens with.');
      }
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw new GatewayError('UNAUTHENTICATED', rejection(error));
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new GatewayError(
        'UNAUTHENTICATED',
        'The token claims are invalid: it needs sub, org_id (a UUID) and role, and sub and org_name may not hold control characters.',
      );
    }
    const viewer: Viewer = {
      userId: claims.data.sub,
      orgId: claims.data.org_id,
      orgName: claims.data.org_name,
      role: claims.data.role,
      expiresAtMs: (payload.exp as number) * 1000,
    };
    this.remember(token, viewer, (payload.exp as number) * 1000);
    return viewer;
  }

  private remember(token: string, viewer: Viewer, expiresAtMs: number) {
    if (this.cache.size >= 10_000) this.cache.clear();
    // Never beyond a minute: a key rotation must take effect quickly.
    this.cache.set(token, { viewer, expiresAtMs: Math.min(expiresAtMs, Date.now() + 60_000) });
  }
}

/** What the client is told about a token jose refused; never the library's own text. */
function rejection(error: unknown): string {
  const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string };
  if (code === 'ERR_JWT_EXPIRED') return 'The token has expired.';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'exp' && reason === 'missing')
    return 'The token has no exp claim; tokens must say when they expire.';
  return 'The token is not valid.';
}
