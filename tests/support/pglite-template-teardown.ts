import fs from 'node:fs';
import { TEMPLATE_ENV } from './pglite-template';

/** Jest's globalTeardown: removes the run's PGlite template (tests/support/pglite-template.ts). */
export default async function removePgliteTemplate(): Promise<void> {
  const file = process.env[TEMPLATE_ENV];
  if (file) fs.rmSync(file, { force: true });
}
