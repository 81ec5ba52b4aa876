import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The README's promise: `npm start` on a fresh machine serves the gateway with no set-up. This
 * starts the real entry point with an empty environment and a fresh embedded database.
 */
let child: ChildProcess | undefined;
afterEach(() => child?.kill('SIGTERM'));

test('npm start with no configuration serves /healthz, GraphQL with the printed demo token, and the pages', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-start-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      PGLITE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));

  const deadline = Date.now() + 40_000;
  let token: string | undefined;
  while (Date.now() < deadline && !token) {
    token = /^\s+(eyJ[\w-]+\.[\w-]+\.[\w-]+)\s*$/m.exec(output)?.[1];
    if (!token) await new Promise((r) => setTimeout(r, 200));
  }
  expect(token).toBeDefined();

  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status).toBe(200);
  const graphql = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { role organization { name } } }' }),
  });
  expect(await graphql.json()).toEqual({
    data: { viewer: { role: 'ADMIN', organization: { name: 'Demo organization' } } },
  });
  const playground = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
  expect(await playground.text()).toMatch(/Switchboard GraphQL playground/);
  const page = await fetch(`http://127.0.0.1:${port}/`);
  expect(await page.text()).toMatch(/Integrations/);
  const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(await metrics.text()).toMatch(/switchboard_graphql_requests_total/);
  expect(output).not.toMatch(/"level":"error"/);
}, 60_000);
