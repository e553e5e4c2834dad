import type { Network } from '@oca/contracts';
import type { Chain } from 'viem';
import { arbitrum, base, bsc, foundry, mainnet, optimism, polygon } from 'viem/chains';

/**
 * The viem chain behind each product network. `devnet` is a local anvil/foundry node: viem's
 * `foundry` definition (chain id 31337, the anvil default). Reads never check the chain id, so a
 * devnet started with another id still works; only Multicall3 lookups depend on the definition,
 * and devnet has no Multicall3 deployed.
 */
export const CHAINS: Readonly<Record<Network, Chain>> = {
  ethereum: mainnet,
  polygon,
  bsc,
  arbitrum,
  optimism,
  base,
  devnet: foundry,
};

/** True when the chain definition knows a Multicall3 deployment, so eth_calls can be aggregated. */
export function hasMulticall3(chain: Chain): boolean {
  return chain.contracts?.multicall3 !== undefined;
}
