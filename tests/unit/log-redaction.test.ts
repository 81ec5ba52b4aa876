import { lineRedactor } from '../../src/observability/logger';

const redact = lineRedactor(['configured-secret-value', 'with"quote\\and-slash']);
const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 'warn', ...fields });

test.each([
  ['a Shopify access token', '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'],
  ['a Shopify custom-app token', 'shpca_4b1d0c3e9a8f7e6d5c4b3a29'],
  ['a Stripe secret key', 'sk_live_51H8abcdEFGHijklMNOPqrst'],
  ['a Stripe restricted key', 'rk_test_51H8abcdEFGHijklMNOPqrst'],
  ['a Klaviyo private key', 'pk_8f2a6c1e9b7d4f3a5c2e1b0d9f8a7c6e5b'],
  ['a Stripe webhook secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  ['an OpenAI key', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345'],
  ['a Facebook page token', 'EAAGm0PX4ZCpsBAKZAZBabcdefGHIJ'],
  ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLWJ5dGVz'],
  ['a configured secret', 'configured-secret-value'],
  ['a configured secret with JSON-escaped characters', 'with"quote\\and-slash'],
])('%s is redacted wherever it appears in a line', (_name, secret) => {
  for (const input of [
    line({ detail: `HTTP 500: {"error":"bad credential ${secret}"}` }),
    line({ err: { message: secret, nested: [{ deep: `x ${secret} y` }] } }),
    line({ url: `https://x.example/cb?code=${encodeURIComponent(secret)}` }),
  ]) {
    const output = redact(input);
    expect(output).not.toContain(secret);
    expect(output).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(output).toContain('[REDACTED]');
    expect(() => JSON.parse(output)).not.toThrow();
  }
});

test('authorization schemes, secret-named keys and URL passwords keep their label', () => {
  const output = redact(
    line({
      detail: 'HTTP 401: {"auth_token":"0123456789abcdef0123456789abcdef","client_secret":"s3cr3t-v4lue"}',
      header: 'Bearer abc.def-ghi_123',
      klaviyo: 'Klaviyo-API-Key abcdef123456',
      basic: 'Basic QUMxMjM6c2VjcmV0',
      form: 'grant_type=client_credentials&client_secret=xyzxyzxyz&scope=read',
      db: 'postgres://switchboard:hunter22@db:5432/app',
    }),
  );
  expect(JSON.parse(output)).toEqual({
    level: 'warn',
    detail: 'HTTP 401: {"auth_token":"[REDACTED]","client_secret":"[REDACTED]"}',
    header: 'Bearer [REDACTED]',
    klaviyo: 'Klaviyo-API-Key [REDACTED]',
    basic: 'Basic [REDACTED]',
    form: 'grant_type=client_credentials&client_secret=[REDACTED]&scope=read',
    db: 'postgres://switchboard:[REDACTED]@db:5432/app',
  });
});

test('request ids, object ids, hashes and ordinary text are left alone', () => {
  const input = line({
    requestId: '6f1c2d7e-8a9b-4c3d-9e8f-0123456789ab',
    conversationId: 'a00000000000000000000001',
    etag: '0123456789abcdef0123456789abcdef',
    token: true,
    accountKey: 'mystore',
    msg: 'The token has expired.',
    path: '/graphql',
  });
  expect(redact(input)).toBe(input);
});
