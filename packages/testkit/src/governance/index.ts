// The governance scenario: OpenZeppelin Governor, a Governor Bravo with a Safe and Uniswap's GovernorAlpha on anvil, with
// proposals created, voted, queued and executed over simulated time, for the governance agent.
export {
  deployGovernanceScenario,
  ALPHA_TIMELOCK_DELAY,
  BRAVO_GOVERNOR_SETTINGS,
  OZ_GOVERNOR_SETTINGS,
  OZ_TOKEN_SUPPLY,
  UNI_SUPPLY,
  type GovernanceScenario,
  type GovernanceScenarioOptions,
  type ScenarioGovernance,
  type ScenarioProposal,
  type ScenarioSafe,
  type TreasuryDeposit,
} from './governance-scenario';
export { loadGovernanceContracts, type GovernanceContracts } from './governance-contracts';
