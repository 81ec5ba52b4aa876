import path from 'node:path';

/**
 * The providers' published contracts live in ../shared/contracts beside the repository (they are
 * read-only reference material, not ours to copy). CONTRACTS_DIR overrides the location.
 */
export function contractPath(...parts: string[]): string {
  const dir = process.env.CONTRACTS_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'contracts');
  return path.join(dir, ...parts);
}
