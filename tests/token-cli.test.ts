/**
 * `npm run token` as a developer runs it: with no configuration it signs with the gateway's
 * development secret; where it cannot sign it says why and what to do; `--help` explains it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadOrCreateDevSecret } from '../src/auth/dev-secret';
import { TokenVerifier } from '../src/auth/token-verifier';

const ROOT = path.resolve(__dirname, '..');
/** tsx by its path: the CLI runs in an empty folder (so no .env of the developer's is read). */
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/** Runs the CLI in a folder with no .env, with only the given environment. */
function token(args: string[], env: Record<string, string> = {}) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-token-cli-'));
  const result = spawnSync(
    process.execPath,
    ['--import', TSX, path.join(ROOT, 'src/cli/token.ts'), ...args],
    {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

jest.setTimeout(120_000);

test('--help explains the options and where the secret comes from', () => {
  const help = token(['--help']);
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/--org .*default: the demo organization 00000000-0000-4000-8000-000000000de0/);
  expect(help.stdout).toMatch(/dev-jwt-secret/);
});

test('with no configuration it signs with the development secret the gateway uses', async () => {
  const pgliteDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-token-data-')), 'pglite');
  const run = token(['--role', 'member', '--sub', 'ann'], { PGLITE_DATA_DIR: pgliteDir });
  expect(run.stderr).toMatch(/Signed with the development secret in .*dev-jwt-secret/);
  expect(run.status).toBe(0);
  const printed = run.stdout.trim();
  // The gateway started on that data folder loads the same secret and accepts the token.
  const gateway = new TokenVerifier({ secret: loadOrCreateDevSecret({ PGLITE_DATA_DIR: pgliteDir }).secret });
  await expect(gateway.verify(`Bearer ${printed}`)).resolves.toMatchObject({
    userId: 'ann',
    role: 'member',
    orgId: '00000000-0000-4000-8000-000000000de0',
  });
});

test('with AUTH_JWKS_URL it says tokens come from the identity provider', () => {
  const run = token([], { AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json' });
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/tokens come from your identity provider/);
});

test('in production without a secret it says which variable to set', () => {
  const run = token([], { NODE_ENV: 'production' });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/set it to the gateway's secret/);
  expect(run.stderr).not.toMatch(/\n\s+at /);
});

test('a wrong option or organization is refused with the usage', () => {
  const unknown = token(['--orgg', 'x']);
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toMatch(/Unknown option '--orgg'[\s\S]*npm run token --/);
  const badOrg = token(['--org', 'acme']);
  expect(badOrg.status).toBe(1);
  expect(badOrg.stderr).toMatch(/--org must be an organization UUID/);
});
