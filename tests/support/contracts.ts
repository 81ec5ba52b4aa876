import path from 'node:path';

/**
 * The providers' published contracts are carried in the repository's contracts/ folder (see
 * contracts/SOURCES.md), so a clone with nothing beside it runs the tests. CONTRACTS_DIR points the
 * tests at another copy (for example a newer collection being tried out).
 */
export const CONTRACTS_DIR = path.resolve(__dirname, '..', '..', 'contracts');

export function contractPath(...parts: string[]): string {
  return path.join(process.env.CONTRACTS_DIR || CONTRACTS_DIR, ...parts);
}
