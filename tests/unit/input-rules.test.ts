import { GatewayError } from '../../src/errors/gateway-error';
import {
  filterValue,
  freeJson,
  freeText,
  pathSegment,
  printable,
  printableDeep,
} from '../../src/datasources/input-rules';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('BAD_USER_INPUT');
    return (error as GatewayError).message;
  }
  throw new Error('expected BAD_USER_INPUT');
}

test.each(['\u0000', '\u0001', '\t', '\n', '\r', '\u001f', '\u007f', '\u0085', '\u009f'])(
  'identifiers refuse U+%s, before any trimming, and the message never echoes the value',
  (control) => {
    const message = refusal(() => printable(`abc${control}`, 'email'));
    expect(message).toBe('email must not contain control characters.');
  },
);

test('free text keeps tab and line breaks and refuses NUL and the other controls', () => {
  expect(freeText('line 1\r\n\tline 2\n', 'body')).toBe('line 1\r\n\tline 2\n');
  for (const control of ['\u0000', '\u0007', '\u001b', '\u007f', '\u0090'])
    expect(refusal(() => freeText(`a${control}b`, 'body'))).toMatch(
      /^body must not contain control characters/,
    );
  expect(freeText('émoji ✓ and quotes "\' \\', 'body')).toBe('émoji ✓ and quotes "\' \\');
});

test('values quoted in a filter expression refuse quotes and backslashes', () => {
  for (const value of ['a"b', "a'b", 'a\\b'])
    expect(refusal(() => filterValue(value, 'email'))).toMatch(/quotes/);
  expect(filterValue('a+tag@example.com', 'email')).toBe('a+tag@example.com');
});

test('path segments refuse separators, escapes and dot segments', () => {
  for (const value of ['', '.', '..', 'a/b', 'a?b', 'a#b', 'a%2fb', 'a\\b', 'x..y'])
    refusal(() => pathSegment(value, 'id'));
  expect(pathSegment('01HZY8K2M3', 'id')).toBe('01HZY8K2M3');
});

test('free JSON is checked in keys and strings at any depth', () => {
  expect(() => freeJson({ a: [{ b: 'ok\n', n: 1, t: true, z: null }] }, 'properties')).not.toThrow();
  refusal(() => freeJson({ a: [{ b: 'x\u0000' }] }, 'properties'));
  refusal(() => freeJson({ 'k\u0000': 1 }, 'properties'));
});

test('account identifiers are checked field by field, naming the field', () => {
  expect(refusal(() => printableDeep({ storeName: 'shop\n' }, 'account'))).toBe(
    'storeName must not contain control characters.',
  );
  expect(() => printableDeep({ storeName: 'shop' }, 'account')).not.toThrow();
});
