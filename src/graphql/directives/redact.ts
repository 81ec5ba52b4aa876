/**
 * Argument names whose values never reach the audit log, whatever their depth: credentials (`token`,
 * `accessToken`, `refresh_token`; not counts such as `maxOutputTokens` or `dailyTokenBudget`) and
 * `instructions` (an organization's AI instructions are business text, kept out of logs and the
 * audit trail alike).
 */
const SECRET_KEY = /(token$|secret|password|api_?key|authorization|credential|^instructions$)/i;

/** A copy of the arguments with secret-looking values replaced, safe to store. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[TRUNCATED]';
  if (Array.isArray(value)) return value.slice(0, 100).map((item) => redact(item, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) ? '[REDACTED]' : redact(item, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string' && value.length > 500) return `${value.slice(0, 500)}…`;
  return value;
}
