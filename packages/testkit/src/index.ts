export { startAnvil, anvilBinaryPath, type AnvilInstance, type StartAnvilOptions } from './anvil';
export {
  deployScenario,
  writeScenarioFile,
  DEMO_TOKEN,
  DEMO_NFT,
  DEMO_MULTI_TOKEN,
  PROXIED_TOKEN,
  EOA_BALANCE_WEI,
  type Scenario,
} from './scenario';
export { ARTIFACTS, type Artifact } from './artifacts';
export { connectDeployer, type Deployer } from './deployer';
export { receiptOf } from './receipts';
export { serviceUrls, DEFAULT_SERVICE_URLS, type ServiceUrls } from './service-urls';
export { findFreePort } from './free-port';
export {
  startRpcProxy,
  type RpcProxy,
  type RpcProxyOptions,
  type RecordedCall,
  type RecordedRequest,
  type InjectedResponse,
  type RateLimit,
} from './rpc-proxy';
export * from './mainnet';
export * from './tokens';
export * from './markets';
export * from './stables';
export * from './solc';
export * from './lockers';
export * from './whales';
export * from './portfolios';
export * from './forensics';
export * from './governance';
export { metricValue, scrapeMetric, sleep, until } from './metrics';
export { createTestDatabase, type TestDatabase } from './test-database';
export { createTestPki, type TestPki } from './certificates';
export * from './stack';
export {
  startVictoriaMetrics,
  victoriaMetricsBinary,
  type ExportedSeries,
  type StartVictoriaMetricsOptions,
  type VictoriaMetricsInstance,
} from './victoria-metrics';
export * from './defi';
export * from './nfts';
export { httpsRequest, NGINX_BINARY, NGINX_CONF, startNginx, substitute, testConfig as nginxTestConfig, type HttpsAnswer, type HttpsRequestOptions, type NginxProcess, type NginxTestConfig, type Substitution } from './nginx';
export * from './forks';
