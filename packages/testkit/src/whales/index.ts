// Scenario for the whale agent: a token with an insider cluster, whales and a labelled exchange wallet on anvil.
export { deployWhaleScenario, WHALE_SCENARIO_HOURS, WHALE_TOKEN, type WhaleScenario } from './whale-scenario';
