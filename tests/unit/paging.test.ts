import { cursorCodec, pageConnection, pageSize, relayConnection } from '../../src/datasources/paging';
import { GatewayError } from '../../src/errors/gateway-error';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return `${(error as GatewayError).code}: ${(error as GatewayError).message}`;
  }
  throw new Error('expected a refusal');
};

test('first is between 1 and the provider maximum, one message for every provider', () => {
  expect(pageSize(undefined, 10)).toBe(10);
  expect(pageSize(null, 100)).toBe(20);
  expect(pageSize(100, 100)).toBe(100);
  for (const first of [0, -1, 101, 2.5])
    expect(refusal(() => pageSize(first, 100))).toBe('BAD_USER_INPUT: first must be between 1 and 100.');
});

test('cursors are opaque, carry their provider, and a foreign or tampered one is BAD_USER_INPUT', () => {
  const shopify = cursorCodec('shopify');
  const klaviyo = cursorCodec('klaviyo');
  const cursor = shopify.encode('eyJsYXN0X2lkIjo0Mn0=');
  expect(cursor).not.toContain('eyJsYXN0');
  expect(shopify.decode(cursor)).toBe('eyJsYXN0X2lkIjo0Mn0=');
  const foreign = 'BAD_USER_INPUT: after is not a cursor from this connection.';
  expect(refusal(() => klaviyo.decode(cursor))).toBe(foreign);
  expect(refusal(() => shopify.decode('eyJsYXN0X2lkIjo0Mn0='))).toBe(foreign);
  expect(refusal(() => shopify.decode('x'.repeat(5000)))).toBe(foreign);
  // A control character hidden inside the base64 is refused like one in plain sight.
  expect(refusal(() => shopify.decode(shopify.encode('abc\u0000')))).toMatch(
    /after must not contain control/,
  );
});

test('a page-level connection: every edge continues after its page; the last page has no endCursor', () => {
  const codec = cursorCodec('kustomer');
  const middle = pageConnection(codec, ['a', 'b'], { next: '3:2', current: '2:2', hasPreviousPage: true });
  expect(middle.edges.map((e) => codec.decode(e.cursor))).toEqual(['3:2', '3:2']);
  expect(middle.pageInfo).toEqual({
    hasNextPage: true,
    hasPreviousPage: true,
    startCursor: codec.encode('2:2'),
    endCursor: codec.encode('3:2'),
  });
  const last = pageConnection(codec, ['c'], { next: null, current: '1:2', hasPreviousPage: false });
  expect(last.pageInfo).toEqual({
    hasNextPage: false,
    hasPreviousPage: false,
    startCursor: null,
    endCursor: null,
  });
  expect(codec.decode(last.edges[0]!.cursor)).toBe('1:2');
});

test('a Relay connection from the provider keeps its paging, with its cursors wrapped', () => {
  const codec = cursorCodec('shopify');
  const raw = {
    edges: [{ cursor: 'c1', node: 1 }],
    pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: 'c1', endCursor: 'c1' },
  };
  const connection = relayConnection(codec, raw, (n) => n * 2);
  expect(connection.edges).toEqual([{ cursor: codec.encode('c1'), node: 2 }]);
  expect(codec.decode(connection.pageInfo.endCursor!)).toBe('c1');
});
