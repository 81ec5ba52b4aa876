import { parseArgs } from 'node:util';
import { issueToken } from '../auth/token-issuer';
import { ROLES, type RoleValue } from '../auth/viewer';
import { loadConfig, loadDotEnv } from '../config/config';

/** `npm run token -- --org <uuid> --role admin [--sub user-1] [--name "Acme"] [--expires 12h]` */
async function run() {
  const { values } = parseArgs({
    options: {
      org: { type: 'string' },
      role: { type: 'string', default: 'admin' },
      sub: { type: 'string', default: 'dev-user' },
      name: { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  });
  loadDotEnv();
  const config = loadConfig();
  if (!config.AUTH_JWT_SECRET) throw new Error('AUTH_JWT_SECRET is not set: there is nothing to sign with.');
  if (!values.org || !/^[0-9a-f-]{36}$/i.test(values.org))
    throw new Error('--org must be an organization UUID.');
  if (!ROLES.includes(values.role as RoleValue))
    throw new Error(`--role must be one of ${ROLES.join(', ')}.`);
  const token = await issueToken(
    config.AUTH_JWT_SECRET,
    {
      sub: values.sub!,
      orgId: values.org,
      role: values.role as RoleValue,
      ...(values.name ? { orgName: values.name } : {}),
    },
    { expiresIn: values.expires!, issuer: config.AUTH_JWT_ISSUER, audience: config.AUTH_JWT_AUDIENCE },
  );
  console.log(token);
}

run().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
