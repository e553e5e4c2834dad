// Scenario for the security agent: risky and clean tokens with V2 pools and holders on anvil.
export { deployTokenScenario, REWRITTEN_BALANCE, TOKEN_SCENARIO_SUPPLY, type TokenScenarioOptions } from './token-scenario';
export {
  SECURITY_TOKEN_KEYS,
  type SecurityFlag,
  type SecurityScenarioToken,
  type SecurityTokenKey,
  type TokenGroundTruth,
  type TokenScenario,
  type LpLockScenario,
  type V3LockScenario,
} from './ground-truth';
export { deployCreatorScenario, type CreatorScenario } from './creator-scenario';
export { deployForkLimitsScenario, deployLimitsScenario, LIMITS_SUPPLY, type ForkLimitsDex, type LimitsPool, type LimitsScenario } from './limits-scenario';
