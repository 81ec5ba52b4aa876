// Builds the console and the playground into ui/dist when a source is newer than the last build,
// so `npm install` and `npm start` serve current pages with no extra step and a restart costs
// nothing when nothing changed. `--force` always builds.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = path.dirname(fileURLToPath(import.meta.url));
const stamp = path.join(ui, 'dist', '.built');
// The UI also reads the schema (typed operations) and the provider examples under src/.
// Only the examples files of src/datasources: other edits there change nothing in the pages.
const datasources = path.join(ui, '..', 'src', 'datasources');
const examples = fs
  .readdirSync(datasources, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => path.join(datasources, entry.name, `${entry.name}.examples.graphql`));
const inputs = [ui, path.join(ui, '..', 'schema'), path.join(ui, '..', 'package-lock.json'), ...examples];

function newest(entry) {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(entry)
    .filter((name) => name !== 'dist' && name !== 'node_modules')
    .reduce((latest, name) => Math.max(latest, newest(path.join(entry, name))), stat.mtimeMs);
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (
  process.argv.includes('--force') ||
  inputs.some((input) => fs.existsSync(input) && newest(input) > built)
) {
  execFileSync(
    process.execPath,
    [
      path.join(ui, '..', 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(ui, 'vite.config.mts'),
      '--logLevel',
      'warn',
    ],
    // Always React's production build: jest runs this with NODE_ENV=test, which would otherwise
    // give a development bundle (StrictMode's doubled effects, doubled requests) to every later run.
    { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
  );
  fs.writeFileSync(stamp, new Date().toISOString());
}
