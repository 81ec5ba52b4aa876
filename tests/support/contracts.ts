import path from 'node:path';

/**
 * The providers' published contracts are carried in the repository's contracts/ folder (see
 * contracts/SOURCES.md), so a clone with nothing beside it runs the tests; nothing reads outside it.
 */
const CONTRACTS_ROOT = path.resolve(__dirname, '..', '..', 'contracts');

export function contractPath(...parts: string[]): string {
  return path.join(CONTRACTS_ROOT, ...parts);
}
