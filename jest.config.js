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
};
