// DEX forks on anvil for the security agent's trade simulation: PancakeSwap V3 (published
// factory and pool), a 0.25 % V2 fork listed as PancakeSwap V2, an unlisted 1 % V2 fork, and a
// Solidly-style factory (Velodrome/Aerodrome V2's interface, volatile and stable pools).
export {
  deployForkScenario,
  forkDexAddresses,
  FORK_TAXED_SELL_TAX_BPS,
  PANCAKE_V3_FEE,
  SOLIDLY_FEES_BPS,
  tradeSolidly,
  UNLISTED_V2_FEE_BPS,
  type ForkDexes,
  type ForkScenario,
  type ForkToken,
  type ForkTokenKey,
} from './fork-scenario';
export { compileForkContracts, PANCAKESWAP_V3, type ForkContracts } from './fork-contracts';
