/**
 * The seed's E2E test imports its globals from `@jest/globals`. Jest's runtime provides that
 * module itself; the repository root does not depend on the package, so this declares it for the
 * type checker with the same types as the globals.
 */
declare module '@jest/globals' {
  export const describe: jest.Describe;
  export const it: jest.It;
  export const test: jest.It;
  export const expect: jest.Expect;
  export const beforeAll: jest.Lifecycle;
  export const afterAll: jest.Lifecycle;
  export const beforeEach: jest.Lifecycle;
  export const afterEach: jest.Lifecycle;
}
