import pino, { type Logger } from 'pino';

/**
 * Paths pino blanks out wherever they appear in a log object: credentials can reach a log line
 * through request headers, provider configs or error details, and a log is read by more people
 * than the secrets manager.
 */
const REDACT_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.authorization',
  'headers["x-shopify-access-token"]',
  '*.headers["x-shopify-access-token"]',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'client_secret',
  '*.client_secret',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
];

export interface LoggerOptions {
  /** Values never to be written, wherever they appear: see {@link configuredSecrets}. */
  secrets?: readonly string[];
}

export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  options: LoggerOptions = {},
): Logger {
  const redactLine = lineRedactor(options.secrets ?? []);
  return pino(
    {
      level,
      base: { service: 'switchboard' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Paths cover the fields we know; a provider body echoing a credential lands in a free-text
      // field (`detail`, `err.message`), so every finished line is scanned as well.
      hooks: { streamWrite: redactLine },
    },
    destination,
  );
}

/** Configuration variables whose value is a credential, by name. */
const SECRET_NAME = /(?:TOKEN|SECRET|KEY|PASSWORD)$/i;
/** Shorter values would blank out ordinary words; a real credential is longer. */
const MIN_SECRET_LENGTH = 8;

/**
 * Every credential in the configuration: AUTH_JWT_SECRET and each provider variable named like a
 * secret (`*_TOKEN`, `*_SECRET`, `*_KEY`, `*_PASSWORD`; after parsing, e.g. OpenAI's `apiKey`).
 * Passwords inside DATABASE_URL/REDIS_URL are caught by the URL pattern instead.
 */
export function configuredSecrets(config: {
  AUTH_JWT_SECRET?: string | undefined;
  providers: Record<string, { configured: boolean; env?: unknown }>;
}): string[] {
  const secrets = new Set<string>();
  if (config.AUTH_JWT_SECRET) secrets.add(config.AUTH_JWT_SECRET);
  for (const provider of Object.values(config.providers)) {
    if (!provider.configured || !provider.env || typeof provider.env !== 'object') continue;
    for (const [name, value] of Object.entries(provider.env as Record<string, unknown>)) {
      if (SECRET_NAME.test(name) && typeof value === 'string') secrets.add(value);
    }
  }
  return [...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH);
}

/** `token` → `[Tt][Oo][Kk][Ee][Nn]`: key names come in every case, values must not be matched loosely. */
const anyCase = (word: string) => word.replace(/[a-z]/g, (c) => `[${c.toUpperCase()}${c}]`);

/** Key names whose value is a credential (access_token, clientSecret, X-Api-Key, PASSWORD, ...). */
const SECRET_KEY = `(?:${['token', 'secret', 'password', 'passwd', 'api_?key', 'private_?key', 'access_?key']
  .map(anyCase)
  .join('|')})`;

/**
 * Credential shapes, whoever's they are. Case-sensitive on purpose: request ids are UUIDs
 * (hyphenated) and never match, and a bare 32-hex value (a Twilio auth token, but also many
 * harmless hashes and ids) is redacted only as the value of a key named like a secret.
 * Replacements never add a quote or a backslash, so a JSON line stays JSON.
 */
const SHAPES = [
  // Shopify access tokens and shared secrets.
  String.raw`\bshp(?:at|ca|pa|ss)_[A-Za-z0-9]{6,}`,
  // Stripe secret, restricted and publishable keys; Klaviyo private keys (pk_ + hex).
  String.raw`\b(?:sk|rk|pk)_(?:live_|test_)?[A-Za-z0-9]{16,}`,
  // Stripe webhook signing secrets.
  String.raw`\bwhsec_[A-Za-z0-9+/=]{16,}`,
  // OpenAI keys.
  String.raw`\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}`,
  // Facebook (Messenger) access tokens.
  String.raw`\bEAA[A-Za-z0-9]{20,}`,
  // JWTs (an empty signature included).
  String.raw`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`,
];
/** Shapes whose first group (a scheme or key name) is kept and the rest replaced. */
const LABELLED_SHAPES = [
  // Authorization schemes: Bearer (Kustomer, OAuth), Basic (Twilio), Klaviyo-API-Key.
  String.raw`(\b(?:${anyCase('bearer')}|${anyCase('basic')}|Klaviyo-API-Key)\s+)[A-Za-z0-9._~+/=-]{8,}`,
  // A quoted value under a secret-named key in JSON, also JSON escaped into a string (`\"token\":\"…\"`).
  String.raw`(${SECRET_KEY}\\*["']\s*:\s*\\*["'])(?!\[REDACTED\])[^"'\\\s]{4,}`,
  // The same in a query string or form body (`access_token=…`).
  String.raw`(${SECRET_KEY}=)(?!\[REDACTED\])[^"'\\\s&]{4,}`,
  // The password of a URL's userinfo (postgres://user:password@host).
  String.raw`(://[^:/\s"\\@]*:)[^@/\s"\\]+(?=@)`,
];
const SHAPES_PATTERN = new RegExp([...LABELLED_SHAPES, ...SHAPES].join('|'), 'g');
const CENSOR = '[REDACTED]';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces, in a finished log line, the configured secrets (as written, and as they appear once
 * JSON- or URL-encoded into a line), then credential-shaped values. Secrets go first so that a
 * shape matching part of one cannot leave the rest behind. Both expressions are compiled once;
 * a line holding nothing to redact comes back unchanged after one scan each.
 */
export function lineRedactor(secrets: readonly string[]): (line: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    const json = JSON.stringify(secret).slice(1, -1);
    forms.add(secret).add(json).add(JSON.stringify(json).slice(1, -1)).add(encodeURIComponent(secret));
  }
  // Longest first: the JSON-escaped form of a secret must win over the secret itself.
  const literals = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const secretsPattern = literals.length > 0 ? new RegExp(literals.join('|'), 'g') : undefined;
  const labelled = LABELLED_SHAPES.length;
  return (line) => {
    const withoutSecrets = secretsPattern ? line.replace(secretsPattern, CENSOR) : line;
    return withoutSecrets.replace(SHAPES_PATTERN, (...args: unknown[]) => {
      const label = args.slice(1, 1 + labelled).find((g) => typeof g === 'string');
      return `${(label as string | undefined) ?? ''}${CENSOR}`;
    });
  };
}

export type { Logger };
