/**
 * The development secret outlives the process: a restarted gateway (or `npm run token`) reading the
 * same data folder gets the same secret, so a token from before the restart is still accepted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DevSecretError,
  devSecretFile,
  loadOrCreateDevSecret,
  usesDevSecret,
} from '../../src/auth/dev-secret';
import { issueToken } from '../../src/auth/token-issuer';
import { TokenVerifier } from '../../src/auth/token-verifier';
import { loadConfig } from '../../src/config/config';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-dev-secret-'));

test('two loads with the same data folder give the same secret, kept in a 0600 file beside the database', () => {
  const dir = tempDir();
  const config = { PGLITE_DATA_DIR: path.join(dir, 'pglite') };
  const first = loadOrCreateDevSecret(config);
  const second = loadOrCreateDevSecret(config);
  expect(first).toMatchObject({ file: path.join(dir, 'dev-jwt-secret'), created: true });
  expect(second).toEqual({ ...first, created: false });
  expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
  expect(fs.statSync(first.file!).mode & 0o777).toBe(0o600);
  // Nothing else is left in the folder (the temporary file used for the atomic write is gone).
  expect(fs.readdirSync(dir)).toEqual(['dev-jwt-secret']);
});

test('a token signed before a restart verifies after it', async () => {
  const config = { PGLITE_DATA_DIR: path.join(tempDir(), 'pglite') };
  const before = loadOrCreateDevSecret(config).secret;
  const token = await issueToken(before, {
    sub: 'u1',
    orgId: '00000000-0000-4000-8000-000000000de0',
    role: 'admin',
  });
  const afterRestart = new TokenVerifier({ secret: loadOrCreateDevSecret(config).secret });
  await expect(afterRestart.verify(`Bearer ${token}`)).resolves.toMatchObject({ userId: 'u1' });
});

test('the default data folder keeps it in .data/dev-jwt-secret; an in-memory database keeps none', () => {
  expect(devSecretFile({ PGLITE_DATA_DIR: '.data/pglite' })).toBe(path.resolve('.data/dev-jwt-secret'));
  const memory = loadOrCreateDevSecret({ PGLITE_DATA_DIR: ':memory:' });
  expect(memory.file).toBeUndefined();
  expect(memory.secret).not.toBe(loadOrCreateDevSecret({ PGLITE_DATA_DIR: ':memory:' }).secret);
});

test('a damaged secret file is an error that says what to do, not a silent new secret', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'dev-jwt-secret'), 'short\n');
  expect(() => loadOrCreateDevSecret({ PGLITE_DATA_DIR: path.join(dir, 'pglite') })).toThrow(DevSecretError);
  expect(() => loadOrCreateDevSecret({ PGLITE_DATA_DIR: path.join(dir, 'pglite') })).toThrow(/delete it/);
});

test('only development without any token set-up uses it', () => {
  expect(usesDevSecret(loadConfig({}))).toBe(true);
  expect(usesDevSecret(loadConfig({ AUTH_JWT_SECRET: 'x'.repeat(32) }))).toBe(false);
  expect(usesDevSecret(loadConfig({ AUTH_JWKS_URL: 'https://idp.example/jwks' }))).toBe(false);
  expect(usesDevSecret({ ...loadConfig({}), NODE_ENV: 'production' })).toBe(false);
});
