import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type KeyLike } from 'jose';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';

/** Tokens from an identity provider that publishes its keys (AUTH_JWKS_URL), with issuer and audience. */
let server: http.Server;
let privateKey: KeyLike;
let gw: TestGateway;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  gw = await startTestGateway({
    AUTH_JWT_SECRET: undefined,
    AUTH_JWKS_URL: url,
    AUTH_JWT_ISSUER: 'https://id.example.com/',
    AUTH_JWT_AUDIENCE: 'switchboard',
  });
});
afterAll(async () => {
  await gw.close();
  await new Promise((resolve) => server.close(resolve));
});

const sign = (
  claims: Record<string, unknown>,
  options: { issuer?: string; audience?: string; kid?: string } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'key-1' })
    .setIssuer(options.issuer ?? 'https://id.example.com/')
    .setAudience(options.audience ?? 'switchboard')
    .setSubject('idp-user')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

test('a token signed by the published key, with the right issuer and audience, is accepted', async () => {
  const org = newOrgId();
  const token = await sign({ org_id: org, role: 'member' });
  const { body } = await gw.graphql('{ viewer { userId role organization { id } } }', {}, token);
  expect(body.data.viewer).toEqual({ userId: 'idp-user', role: 'MEMBER', organization: { id: org } });
});

test('wrong issuer, wrong audience, or an HS256 token are refused', async () => {
  const org = newOrgId();
  const tokens = [
    await sign({ org_id: org, role: 'admin' }, { issuer: 'https://evil.example.com/' }),
    await sign({ org_id: org, role: 'admin' }, { audience: 'someone-else' }),
    await new SignJWT({ org_id: org, role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('guessable-secret-guessable-secret-00')),
  ];
  for (const token of tokens) {
    const { body } = await gw.graphql('{ viewer { userId } }', {}, token);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  }
});
