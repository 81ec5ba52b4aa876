import fs from 'node:fs';
import path from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { resolvers } from '../resolvers';
import { auditDirectiveTransformer } from './directives/audit.directive';
import { authDirectiveTransformer } from './directives/auth.directive';
import { rateLimitDirectiveTransformer } from './directives/rate-limit.directive';

const SCHEMA_DIR = path.resolve(__dirname, '../../schema');

/** All SDL files under schema/, in a stable order. */
export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs
      .readdirSync(current, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.graphql')) files.push(full);
    }
  };
  walk(dir);
  return files.map((file) => fs.readFileSync(file, 'utf8'));
}

/**
 * The executable schema: SDL + resolvers, then the directives from the inside out — @auth first
 * (who), @rateLimit around it (how often, per organization), @audit outermost so that refusals by
 * either are recorded too.
 */
export function buildGatewaySchema(): GraphQLSchema {
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
  return auditDirectiveTransformer(rateLimitDirectiveTransformer(authDirectiveTransformer(schema)));
}
