/**
 * What a client or an operator sees of the HTTP surface around GraphQL: the console page, GET
 * queries and CSRF prevention, and the request log.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { newOrgId, startTestGateway, type TestGateway } from './support/harness';

const logLines: Array<Record<string, any>> = [];
const destination = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n')) if (line) logLines.push(JSON.parse(line));
    done();
  },
});

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({}, { logger: pino({ level: 'info' }, destination) });
}, 120_000);
afterAll(() => gw?.close());

/** The access-log line of the request that answered with this request id (written on 'finish'). */
async function requestLine(requestId: string) {
  for (let i = 0; i < 50; i++) {
    const line = logLines.find((l) => l.msg === 'request' && l.requestId === requestId);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no request log line for ${requestId}`);
}

test('the console at / is the built page, naming its bundled assets under /ui/assets', async () => {
  const res = await fetch(`${gw.url}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-cache');
  const html = await res.text();
  const script = /<script type="module"[^>]* src="(\/ui\/assets\/console-[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeDefined();
  const asset = await fetch(`${gw.url}${script}`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get('content-type')).toMatch(/javascript/);
  // Everything the page loads comes from the gateway: no CDN, font or script from elsewhere.
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  // The old page's script is gone.
  expect((await fetch(`${gw.url}/integrations.js`)).status).toBe(404);
});

describe('GET queries (urql and others send queries as GET by default)', () => {
  const query = encodeURIComponent('{ viewer { userId } }');

  test('a GET query that carries apollo-require-preflight is answered', async () => {
    const token = await gw.token(newOrgId(), 'member', 'getter');
    const res = await fetch(`${gw.url}/graphql?query=${query}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { viewer: { userId: 'getter' } } });
  });

  test('a GET query without a non-simple header is refused with a 400 naming the header', async () => {
    const token = await gw.token(newOrgId(), 'member');
    const res = await fetch(`${gw.url}/graphql?query=${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/apollo-require-preflight/);
  });
});

describe('request log', () => {
  test('a /graphql request is logged with its real path, without the query string', async () => {
    const requestId = 'log-path-post';
    await gw.graphql('{ __typename }', {}, undefined, { 'x-request-id': requestId });
    expect(await requestLine(requestId)).toMatchObject({ method: 'POST', path: '/graphql', status: 200 });

    const getId = 'log-path-get';
    await fetch(`${gw.url}/graphql?query=${encodeURIComponent('{ secretVariableLookingThing }')}`, {
      headers: { 'x-request-id': getId, 'apollo-require-preflight': 'true' },
    });
    const line = await requestLine(getId);
    expect(line).toMatchObject({ method: 'GET', path: '/graphql' });
    expect(JSON.stringify(line)).not.toContain('secretVariableLookingThing');
  });

  test('other routes keep their path', async () => {
    await fetch(`${gw.url}/healthz?x=1`, { headers: { 'x-request-id': 'log-path-health' } });
    expect(await requestLine('log-path-health')).toMatchObject({ path: '/healthz', status: 200 });
  });
});
