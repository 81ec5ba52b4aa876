/**
 * What every adversarial case asserts besides its code: nothing leaked into the answer or the log.
 */
import { SECRETS } from './world';

/** Signs of an internal error shown to a client: stack frames, source paths, SQL, driver text. */
const INTERNALS: Array<[string, RegExp]> = [
  ['a stack frame', /\bat [\w$.<>[\] ]+ \(|\bat (?:async )?\/|node:internal/],
  ['a source path', /\/(?:src|node_modules)\/[\w./-]+\.(?:ts|js)\b/],
  ['a stack trace field', /"stack(?:trace)?"\s*:/i],
  ['SQL', /\b(?:select\s[\s\S]{0,80}\sfrom|insert\s+into|update\s+"?\w+"?\s+set|delete\s+from)\b/i],
  [
    'a driver message',
    /\brelation "|syntax error at or near|violates (?:unique|foreign|check)|duplicate key value|ECONNREFUSED|knex|pglite/i,
  ],
];

export interface LeakOptions {
  /** Strings that must not appear either: an upstream body's marker, another tenant's data. */
  forbidden?: Array<string | undefined>;
  /** The answer may name the gateway's own internals' words (e.g. a log line's `err`): logs only. */
  internals?: boolean;
}

/** Throws when `text` holds a secret, a forbidden string, or (by default) a trace of the internals. */
export function expectNoLeak(text: string, where: string, options: LeakOptions = {}): void {
  for (const secret of SECRETS) {
    if (text.includes(secret)) throw new Error(`${where} holds a configured secret (${secret.slice(0, 6)}…)`);
  }
  for (const value of options.forbidden ?? []) {
    if (value && text.includes(value)) throw new Error(`${where} holds ${JSON.stringify(value)}`);
  }
  if (options.internals === false) return;
  for (const [what, pattern] of INTERNALS) {
    const match = pattern.exec(text);
    if (match)
      throw new Error(
        `${where} holds ${what}: …${text.slice(Math.max(0, match.index - 60), match.index + 80)}…`,
      );
  }
}

export interface GraphQLAnswer {
  status: number;
  body: {
    data?: any;
    errors?: Array<{ message: string; extensions?: Record<string, any>; path?: unknown[] }>;
  };
}

/** The first error's code, with the whole answer checked for leaks. */
export function codeOf(res: GraphQLAnswer, options: LeakOptions = {}): string | undefined {
  expectNoLeak(JSON.stringify(res.body), 'the answer', options);
  return res.body.errors?.[0]?.extensions?.code;
}

/** Asserts the answer's first error has `code` (and, when given, the HTTP status), leaking nothing. */
export function expectCode(
  res: GraphQLAnswer,
  code: string,
  options: LeakOptions & { status?: number } = {},
) {
  const actual = codeOf(res, options);
  if (actual !== code) {
    throw new Error(
      `expected ${code}, got ${actual ?? 'no error'} (HTTP ${res.status}): ${JSON.stringify(res.body).slice(0, 400)}`,
    );
  }
  if (options.status !== undefined && res.status !== options.status) {
    throw new Error(`expected HTTP ${options.status} with ${code}, got ${res.status}`);
  }
}

/** The log since `mark` holds no secret and none of `forbidden` (stack traces are allowed there). */
export function expectCleanLog(logText: string, forbidden: Array<string | undefined> = []) {
  expectNoLeak(logText, 'the log', { forbidden, internals: false });
}

export async function pollUntil<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
