export { findRepoRoot, REPO_ROOT } from './repo-root';
export { SERVICES, Stack, type RunningService, type ServiceName, type StackOptions } from './stack';
export { waitForHttp } from './wait-for-http';
export { ensureDatabase, ensureSigningKey } from './local-setup';
export { startLocalStack, type LocalStack, type LocalStackOptions } from './local-stack';
export { removeStackLeftovers, useClassicQueuesV2, type StackLeftovers } from './leftovers';
