import { isExecutionError, type ChainClient } from '@oca/chain';
import type { Address, Hex } from 'viem';

/**
 * One `eth_call` at a pinned block for probing what a contract implements. Resolves to the return
 * data ('0x' when there is none), or null when the EVM failed the call (revert, out of gas,
 * invalid opcode): that is the contract saying it lacks the function. Any other error — transport,
 * rate limit, malformed request — is rethrown, so a flaky node never reads as "not a token".
 */
export async function probeCall(client: ChainClient, to: Address, data: Hex, blockNumber: bigint): Promise<Hex | null> {
  try {
    const { data: returned } = await client.call({ to, data, blockNumber });
    return returned ?? '0x';
  } catch (err) {
    if (isExecutionError(err)) return null;
    throw err;
  }
}
