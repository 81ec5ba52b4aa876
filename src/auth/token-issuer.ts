import { SignJWT } from 'jose';
import type { RoleValue } from './viewer';

/** Signs an HS256 token with the gateway's claims; for the dev helper, the demo token and tests. */
export async function issueToken(
  secret: string,
  claims: { sub: string; orgId: string; role: RoleValue; orgName?: string },
  options: { expiresIn?: string | number; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({
    org_id: claims.orgId,
    role: claims.role,
    ...(claims.orgName ? { org_name: claims.orgName } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
