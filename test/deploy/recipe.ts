/**
 * What deploy/docker/Dockerfile and test/deploy/production-build.test.ts share: the one recipe for
 * a service's production folder, the packages that folder must never hold, and each service's
 * ports (the defaults of its env.ts).
 */
import type { ServiceName } from '@oca/testkit';

/** Relative to the repository root; the Dockerfile runs it as `scripts/build-service.sh "$SERVICE" /out`. */
export const BUILD_SERVICE_SCRIPT = 'scripts/build-service.sh';

/** Build, test and lint tools and the test fixtures; the script refuses a folder holding one. */
export const DEV_ONLY_PACKAGES = [
  'typescript',
  'tsx',
  'esbuild',
  'jest',
  'ts-jest',
  '@types/jest',
  'eslint',
  'typescript-eslint',
  '@oca/testkit',
  'solc',
  '@foundry-rs/anvil-linux-amd64',
];

export interface ServicePorts {
  /** The variable of the port serving /health, /ready and /metrics */
  opsVariable: string;
  opsPort: number;
  /** Other listening ports: variable → default */
  public: Record<string, number>;
}

export const SERVICE_PORTS: Record<ServiceName, ServicePorts> = {
  gateway: { opsVariable: 'GATEWAY_METRICS_PORT', opsPort: 9101, public: { GATEWAY_PORT: 3000 } },
  'agent-executor': { opsVariable: 'EXECUTOR_METRICS_PORT', opsPort: 9102, public: {} },
  auth: { opsVariable: 'AUTH_METRICS_PORT', opsPort: 9103, public: {} },
  cache: { opsVariable: 'CACHE_METRICS_PORT', opsPort: 9104, public: {} },
  analytics: { opsVariable: 'ANALYTICS_METRICS_PORT', opsPort: 9105, public: {} },
};
