export { deployForensicsScenario, FORENSICS_AMOUNTS, type ForensicsScenario } from './forensics-scenario';
export { startExplorerApi, type ExplorerApiServer, type ExplorerApiServerOptions } from './explorer-api-server';
