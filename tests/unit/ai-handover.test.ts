import { asksForPerson, transcript } from '../../src/ai/handover';
import type { MessageRow } from '../../src/messaging/conversations.repo';

describe('a shopper asking for a person', () => {
  test.each([
    'I want a human please',
    'Can I talk to a real person?',
    'agent please',
    'could you connect me with someone',
    'I need a representative',
  ])('"%s" hands over without the model', (text) => {
    expect(asksForPerson(text)).toBe(true);
  });

  test.each(['Is the hoodie human-made?', 'I need a refund', 'Is it made by humans', 'Where is my order?'])(
    '"%s" goes to the model',
    (text) => {
      expect(asksForPerson(text)).toBe(false);
    },
  );
});

describe('the handover transcript', () => {
  const message = (n: number, direction: 'inbound' | 'outbound', text: string): MessageRow =>
    ({ direction, text, created_at: new Date(Date.UTC(2026, 0, 1, 0, n)) }) as MessageRow;

  test('oldest first, who said what, the reason on top', () => {
    const body = transcript(
      [message(0, 'inbound', 'Hi'), message(1, 'outbound', 'Hello!')],
      'Refund dispute',
    );
    expect(body).toBe(
      'Handed over by the AI assistant. Reason: Refund dispute\n\n' +
        '[2026-01-01T00:00:00.000Z] Shopper: Hi\n[2026-01-01T00:01:00.000Z] Business: Hello!',
    );
  });

  test("keeps the newest part within Kustomer's 10000-character note, without control characters", () => {
    const long = Array.from({ length: 30 }, (_, i) => message(i, 'inbound', `${i}:${'x'.repeat(500)}\u0007`));
    const body = transcript(long, 'Long');
    expect(body.length).toBeLessThanOrEqual(10_000);
    expect(body).toContain('29:xxx');
    expect(body).not.toContain('] Shopper: 0:');
    expect(body.includes('\u0007')).toBe(false);
  });
});
