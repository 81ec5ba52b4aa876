import { email, phone } from '../../src/datasources/contact-rules';
import { GatewayError } from '../../src/errors/gateway-error';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('BAD_USER_INPUT');
    return (error as GatewayError).message;
  }
  throw new Error('expected a refusal');
};

test('an email is trimmed; one that could break a filter, a list or a URL path is refused', () => {
  expect(email('  ada@example.com ', 'email')).toBe('ada@example.com');
  for (const bad of [
    'ada',
    'ada@example',
    'a"@example.com',
    'a@exa/mple.com',
    'a,b@example.com',
    `${'a'.repeat(65)}@x.io`,
  ])
    expect(refusal(() => email(bad, 'email'))).toBe('email is not a valid email address.');
  expect(refusal(() => email('ada@example.com\n', 'email'))).toMatch(/email must not contain control/);
});

test('a phone number is E.164 with separators removed, one rule for every provider', () => {
  expect(phone('+1 (500) 555-0006', 'phone')).toBe('+15005550006');
  expect(phone('+44.20.7946.0958', 'phoneNumber')).toBe('+442079460958');
  for (const bad of ['5005550006', '+0123456789', '+1 500', '+1234567890123456', '+1500555000x'])
    expect(refusal(() => phone(bad, 'phone'))).toBe('phone must be in E.164 form, such as +15005550006.');
});
