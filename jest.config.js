// One jest run covers every package and service. `unit` tests sit next to the code;
// `integration` suites live under test/ and talk to the real RabbitMQ, PostgreSQL, Redis and anvil.
const common = {
  testEnvironment: 'node',
  // Resolve workspace packages to their TypeScript sources (package.json "development" condition).
  testEnvironmentOptions: { customExportConditions: ['development', 'node', 'require', 'default'] },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{packages,services}/*/src/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{packages,services}/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    },
  ],
  // Integration suites start real services; a per-project testTimeout is ignored by jest.
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
  // Coverage (`pnpm test` passes --coverage) over the product's sources, not test helpers or
  // generated code. Services the e2e/security/seed suites spawn as child processes (the Stack) are
  // not instrumented: only code jest loads in-process counts. The summary is printed and the run
  // fails under the threshold, the measured figure rounded down: ratchet it up, never down.
  collectCoverageFrom: [
    '<rootDir>/{packages,services}/*/src/**/*.ts',
    '!<rootDir>/packages/testkit/**',
    '!**/*.test.ts',
    '!**/*.generated.ts',
    '!**/*.bytecode.ts',
    '!**/*.d.ts',
  ],
  coverageReporters: ['text-summary'],
  // Measured 2026-12-04 (session 7): lines 93.93 %, branches 85.4 % (README, "Tests"); the threshold
  // keeps a point below it, as timing-dependent paths (reconnects, retries) vary run to run. Goal: 80 %+.
  coverageThreshold: { global: { lines: 93, branches: 84 } },
};
