/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // Provider simulators and embedded PostgreSQL start once per file; keep files independent.
  // Starting PGlite (initdb in WebAssembly) takes 6-10 s on a busy two-core machine and more when
  // both workers start one at once; 30 s was exceeded in set-up (kustomer.test.ts). Hooks inherit
  // this timeout, and several tests start gateways of their own, so it is set once here: a test
  // that truly hangs still fails, two minutes later.
  testTimeout: 120_000,
  maxWorkers: 2,
  // One migrated embedded database per run, copied by every test gateway (tests/support/pglite-template.ts).
  globalSetup: '<rootDir>/tests/support/pglite-template.ts',
  globalTeardown: '<rootDir>/tests/support/pglite-template-teardown.ts',
};
