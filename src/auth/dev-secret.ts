import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config';

/**
 * The development signing secret: with no AUTH_JWT_SECRET and no AUTH_JWKS_URL, outside production,
 * the gateway (src/main.ts) and `npm run token` (src/cli/token.ts) sign and verify with a secret kept
 * in the data folder, so a token survives a restart of the gateway and the CLI needs no set-up.
 * The file sits beside the embedded database's folder (`.data/dev-jwt-secret` by default), mode 0600.
 */

/** A fixed organization for the demo token, so a restarted dev gateway shows the same data. */
export const DEMO_ORG_ID = '00000000-0000-4000-8000-000000000de0';
export const DEMO_ORG_NAME = 'Demo organization';

export const DEV_SECRET_FILE_NAME = 'dev-jwt-secret';

type AuthConfig = Pick<Config, 'NODE_ENV' | 'PGLITE_DATA_DIR' | 'AUTH_JWT_SECRET' | 'AUTH_JWKS_URL'>;

/** Where the development secret is kept; undefined when the data folder is in memory. */
export function devSecretFile(config: Pick<Config, 'PGLITE_DATA_DIR'>): string | undefined {
  const dataDir = config.PGLITE_DATA_DIR;
  if (dataDir === ':memory:' || dataDir.startsWith('memory://')) return undefined;
  return path.join(path.dirname(path.resolve(dataDir)), DEV_SECRET_FILE_NAME);
}

/** Whether this configuration signs with the development secret (nothing else is configured). */
export function usesDevSecret(config: AuthConfig): boolean {
  return config.NODE_ENV !== 'production' && !config.AUTH_JWT_SECRET && !config.AUTH_JWKS_URL;
}

export class DevSecretError extends Error {}

/**
 * The development secret: read from its file, or made and written there on first use. With an
 * in-memory data folder it is made for this process only (`file` undefined).
 */
export function loadOrCreateDevSecret(config: Pick<Config, 'PGLITE_DATA_DIR'>): {
  secret: string;
  file: string | undefined;
  created: boolean;
} {
  const file = devSecretFile(config);
  if (!file) return { secret: newSecret(), file, created: true };
  const existing = readSecret(file);
  if (existing) return { secret: existing, file, created: false };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = newSecret();
  // Written whole to a temporary file, then linked into place: the link fails when the file exists,
  // so when the gateway and `npm run token` start at the same moment the first one's secret wins
  // and no reader ever sees a half-written file.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temporary, `${secret}\n`, { mode: 0o600 });
  try {
    fs.linkSync(temporary, file);
    return { secret, file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { secret: readSecret(file)!, file, created: false };
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

function newSecret(): string {
  return randomBytes(32).toString('hex');
}

function readSecret(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < 32) {
    throw new DevSecretError(
      `${file} does not hold a development secret (at least 32 characters); delete it and a new one is made (tokens signed before stop working).`,
    );
  }
  return secret;
}

/** A path as the user would type it from here: relative inside the working folder, absolute outside. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
