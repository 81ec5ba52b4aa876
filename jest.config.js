/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // Provider simulators and embedded PostgreSQL start once per file; keep files independent.
  testTimeout: 30000,
  maxWorkers: 2,
};
