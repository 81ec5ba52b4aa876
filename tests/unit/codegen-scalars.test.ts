/**
 * Generated client types must type every custom scalar: without a mapping codegen writes `unknown`
 * (a client then had `createdAt: unknown` for every DateTime).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CLIENT_SCALARS } from '../../codegen';

const ROOT = path.resolve(__dirname, '..', '..');

function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? schemaFiles(path.join(dir, entry.name))
      : entry.name.endsWith('.graphql')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

test('every custom scalar in schema/ has a client type in codegen.ts', () => {
  const scalars = schemaFiles(path.join(ROOT, 'schema')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^scalar (\w+)/gm)].map((m) => m[1]),
  );
  expect(scalars).toContain('DateTime');
  expect(Object.keys(CLIENT_SCALARS).sort()).toEqual([...new Set(scalars)].sort());
});

test('the generated client types give DateTime as the ISO-8601 string a client receives', () => {
  const generated = readFileSync(path.join(ROOT, 'src/generated/client-types.ts'), 'utf8');
  const scalarsBlock = generated.slice(generated.indexOf('export type Scalars'), generated.indexOf('};'));
  expect(scalarsBlock).toContain('DateTime: { input: string; output: string; }');
  // Each scalar's own type: `unknown` would be codegen's fallback for an unmapped one.
  expect(scalarsBlock).not.toMatch(/(input|output): unknown/);
  expect(generated).toMatch(/connectedAt\?: Maybe<Scalars\['DateTime'\]\['output'\]>/);
});
