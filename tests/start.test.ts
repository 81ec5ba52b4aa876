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

/** Starts src/main.ts on the data folder; resolves with the printed demo token and the output so far. */
async function start(dataDir: string, port: number) {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      PGLITE_DATA_DIR: path.join(dataDir, 'pglite'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = { output: '', token: undefined as string | undefined };
  child.stdout!.on('data', (chunk) => (started.output += chunk));
  child.stderr!.on('data', (chunk) => (started.output += chunk));
  // Generous: the first start creates the embedded database, and the machine may be busy.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && !started.token) {
    started.token = /^\s+(eyJ[\w-]+\.[\w-]+\.[\w-]+)\s*$/m.exec(started.output)?.[1];
    if (!started.token) await new Promise((r) => setTimeout(r, 200));
  }
  return started;
}

async function stop() {
  const running = child!;
  if (running.exitCode !== null) return;
  await new Promise((resolve) => {
    running.once('exit', resolve);
    running.kill('SIGTERM');
  });
}

const viewerOf = async (port: number, token: string) =>
  (
    await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { role organization { name } } }' }),
    })
  ).json();

test('npm start with no configuration serves /healthz, GraphQL with the printed demo token, and the pages', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-start-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const first = await start(dataDir, port);
  const token = first.token;
  expect(token).toBeDefined();
  expect(first.output).toMatch(/development secret in .*dev-jwt-secret \(kept across restarts/);

  // The token is printed once the gateway listens.
  const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch((error) => {
    throw new Error(
      `/healthz unreachable after the token was printed (${error.cause ?? error}); output:\n${first.output}`,
    );
  });
  expect(health.status).toBe(200);
  expect(await viewerOf(port, token!)).toEqual({
    data: { viewer: { role: 'ADMIN', organization: { name: 'Demo organization' } } },
  });
  const playground = await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { accept: 'text/html' } });
  expect(await playground.text()).toMatch(/Switchboard GraphQL playground/);
  const page = await fetch(`http://127.0.0.1:${port}/`);
  expect(await page.text()).toMatch(/Integrations console/);
  // The printed link opens the console signed in (the token in the fragment never reaches the server).
  expect(first.output).toContain(`http://localhost:${port}/#token=${token}`);
  const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(await metrics.text()).toMatch(/switchboard_graphql_requests_total/);
  expect(first.output).not.toMatch(/"level":"error"/);

  // A restart on the same data folder still accepts the token printed before it (the page keeps it).
  await stop();
  const second = await start(dataDir, port);
  expect(second.token).toBeDefined();
  expect(await viewerOf(port, token!)).toEqual({
    data: { viewer: { role: 'ADMIN', organization: { name: 'Demo organization' } } },
  });
  expect(second.output).not.toMatch(/"level":"error"/);
}, 240_000);
