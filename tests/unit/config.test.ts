import { Writable } from 'node:stream';
import { ConfigError, loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';

test('defaults: port 4000, every provider not configured, naming what is missing', () => {
  const config = loadConfig({});
  expect(config.PORT).toBe(4000);
  expect(config.providers.shopify).toEqual({
    configured: false,
    missing: [expect.stringMatching(/SHOPIFY_ADMIN_ACCESS_TOKEN/)],
  });
  expect(config.providers.messenger).toEqual({
    configured: false,
    missing: [
      'MESSENGER_APP_ID',
      'MESSENGER_APP_SECRET',
      'MESSENGER_PAGE_ACCESS_TOKEN',
      'MESSENGER_VERIFY_TOKEN',
    ],
  });
});

test('a provider with its variables is configured; empty strings count as unset', () => {
  const config = loadConfig({ SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x', KLAVIYO_PRIVATE_API_KEY: '' });
  expect(config.providers.shopify.configured).toBe(true);
  expect(config.providers.klaviyo.configured).toBe(false);
  const viaClientCredentials = loadConfig({ SHOPIFY_ADMIN_API_KEY: 'k', SHOPIFY_ADMIN_API_SECRET: 's' });
  expect(viaClientCredentials.providers.shopify.configured).toBe(true);
});

test('production refuses to start without a way to verify tokens', () => {
  expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
  expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_JWT_SECRET/);
  expect(loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32) }).NODE_ENV).toBe('production');
});

test('bad values are reported by name, without their value', () => {
  expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  let message = '';
  try {
    loadConfig({ AUTH_JWT_SECRET: 'short-secret-value' });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/AUTH_JWT_SECRET/);
  expect(message).not.toMatch(/short-secret-value/);
});

test('the seed’s VITE_OPENAI_API_KEY is read with a warning', () => {
  const config = loadConfig({ VITE_OPENAI_API_KEY: 'sk-test' });
  expect(config.providers.openai.configured).toBe(true);
  expect(config.warnings.join(' ')).toMatch(/VITE_OPENAI_API_KEY/);
});

test('logs redact credentials wherever they appear', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('info', sink);
  logger.info(
    {
      headers: { authorization: 'Bearer abc.def', 'x-shopify-access-token': 'shpat_secret' },
      accessToken: 'tok',
      client_secret: 'cs',
    },
    'hello',
  );
  const line = lines.join('');
  expect(line).toContain('hello');
  expect(line).not.toMatch(/abc\.def|shpat_secret|"tok"|"cs"/);
});

test('billing: STRIPE_PLANS is a JSON object of plan name to price id; anything else refuses to start', () => {
  expect(loadConfig({}).STRIPE_PLANS).toEqual({});
  expect(loadConfig({}).BILLING_PAST_DUE_POLICY).toBe('allow');
  expect(loadConfig({ STRIPE_PLANS: '{"starter":"price_1","pro":"price_2"}' }).STRIPE_PLANS).toEqual({
    starter: 'price_1',
    pro: 'price_2',
  });
  for (const bad of ['price_1', '["price_1"]', '{"Starter Plan":"price_1"}', '{"starter":""}']) {
    expect(() => loadConfig({ STRIPE_PLANS: bad })).toThrow(/STRIPE_PLANS/);
  }
  expect(() => loadConfig({ BILLING_PAST_DUE_POLICY: 'suspend' })).toThrow(ConfigError);
});
