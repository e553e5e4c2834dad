// Extra devnet stablecoins, one off its peg, for the DEX agents' peg check.
export { compileDevnetStable } from './stable-contracts';
export { DAI_PRICE, DEVNET_STABLES, deployStablesScenario, devnetStableAddresses, type DevnetStableName, type StablePool, type StablesScenario } from './stables-scenario';
