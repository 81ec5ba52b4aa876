import { parseArgs } from 'node:util';
import {
  DEMO_ORG_ID,
  DEMO_ORG_NAME,
  DevSecretError,
  loadOrCreateDevSecret,
  shownPath,
  usesDevSecret,
} from '../auth/dev-secret';
import { issueToken } from '../auth/token-issuer';
import { ROLES, type RoleValue } from '../auth/viewer';
import { ConfigError, loadConfig, loadDotEnv } from '../config/config';

const USAGE = `Prints a signed token for the gateway (HS256).

  npm run token -- [--org <uuid>] [--role admin] [--sub dev-user] [--name "Acme"] [--expires 12h]

  --org      organization UUID (default: the demo organization ${DEMO_ORG_ID})
  --role     ${ROLES.join(' | ')} (default: admin)
  --sub      user id (default: dev-user)
  --name     organization name, used when the organization is first seen
  --expires  lifetime, e.g. 30m, 12h, 7d (default: 12h)
  --help     this text

It signs with AUTH_JWT_SECRET (environment or .env), the same secret the gateway verifies with.
With no AUTH_JWT_SECRET and no AUTH_JWKS_URL, outside production, it signs with the development
secret the gateway keeps beside its embedded database (.data/dev-jwt-secret by default), so a token
from here works with \`npm start\` as it is. The token goes to stdout; notes go to stderr.`;

class UsageError extends Error {}

/** The secret to sign with, and where it came from; an error saying how to get one otherwise. */
function signingSecret(config: ReturnType<typeof loadConfig>): { secret: string; from: string } {
  if (config.AUTH_JWT_SECRET) return { secret: config.AUTH_JWT_SECRET, from: 'AUTH_JWT_SECRET' };
  if (config.AUTH_JWKS_URL) {
    throw new UsageError(
      `This gateway verifies tokens with the keys at AUTH_JWKS_URL (${config.AUTH_JWKS_URL}): tokens come from your identity provider, not from this command. To sign development tokens here, set AUTH_JWT_SECRET (at least 32 characters) for both the gateway and this command.`,
    );
  }
  if (!usesDevSecret(config)) {
    throw new UsageError("AUTH_JWT_SECRET is not set: set it (the gateway's own) to sign tokens.");
  }
  const dev = loadOrCreateDevSecret(config);
  if (!dev.file) {
    throw new UsageError(
      'PGLITE_DATA_DIR is in memory, so the gateway keeps its development secret in its process only and prints its own token at start. To sign tokens here, set AUTH_JWT_SECRET (at least 32 characters) for both the gateway and this command.',
    );
  }
  return {
    secret: dev.secret,
    from: `the development secret in ${shownPath(dev.file)}`,
  };
}

async function run() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        org: { type: 'string', default: DEMO_ORG_ID },
        role: { type: 'string', default: 'admin' },
        sub: { type: 'string', default: 'dev-user' },
        name: { type: 'string' },
        expires: { type: 'string', default: '12h' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(values.org))
    throw new UsageError('--org must be an organization UUID.');
  if (!ROLES.includes(values.role as RoleValue))
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}.`);

  loadDotEnv();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new UsageError(
      `${error.message}\nThis command signs with AUTH_JWT_SECRET: set it to the gateway's secret (with AUTH_JWKS_URL, tokens come from your identity provider).`,
    );
  }
  const { secret, from } = signingSecret(config);
  const orgName = values.name ?? (values.org === DEMO_ORG_ID ? DEMO_ORG_NAME : undefined);
  let token: string;
  try {
    token = await issueToken(
      secret,
      { sub: values.sub, orgId: values.org, role: values.role as RoleValue, ...(orgName ? { orgName } : {}) },
      { expiresIn: values.expires, issuer: config.AUTH_JWT_ISSUER, audience: config.AUTH_JWT_AUDIENCE },
    );
  } catch (error) {
    throw new UsageError(`Could not sign: ${(error as Error).message} (is --expires like 30m, 12h or 7d?)`);
  }
  console.error(
    `Signed with ${from}: ${values.role} ${values.sub} of organization ${values.org}, valid ${values.expires}.`,
  );
  console.log(token);
}

run().catch((error: unknown) => {
  const known = error instanceof UsageError || error instanceof DevSecretError;
  console.error(known ? (error as Error).message : error);
  process.exit(1);
});
