import { decodeTokenText, erc20Abi, type ChainClient } from '@oca/chain';
import { decodeFunctionResult, encodeFunctionData, type Abi, type Address, type ContractFunctionName, type DecodeFunctionResultReturnType } from 'viem';
import { decodeDecimals, decodeUint } from './decode';
import { probeCall } from './probe-call';

/**
 * One `eth_call` at a pinned block, decoded; null when the EVM failed the call, when there is no
 * code (empty return data: a pool that did not exist yet at a historical block) or when the
 * answer does not decode. Transport errors propagate, so a flaky node never reads as "no pool".
 * Concurrent reads go out as one JSON-RPC batch (or one Multicall3 on chains that have it).
 */
export async function readOrNull<const A extends Abi, F extends ContractFunctionName<A, 'view' | 'pure'>>(
  client: ChainClient,
  call: { address: Address; abi: A; functionName: F; args?: readonly unknown[]; blockNumber: bigint },
): Promise<DecodeFunctionResultReturnType<A, F> | null> {
  const data = encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args } as never);
  const returned = await probeCall(client, call.address, data, call.blockNumber);
  if (returned === null || returned === '0x') return null;
  try {
    return decodeFunctionResult({ abi: call.abi, functionName: call.functionName, data: returned } as never) as DecodeFunctionResultReturnType<A, F>;
  } catch {
    return null;
  }
}

/** ERC-20 metadata at a block; `decimals` null means "not an ERC-20 we can price". */
export interface TokenMeta {
  address: Address;
  name: string | null;
  symbol: string | null;
  decimals: number | null;
  totalSupply: bigint | null;
}

const CALLS = {
  name: encodeFunctionData({ abi: erc20Abi, functionName: 'name' }),
  symbol: encodeFunctionData({ abi: erc20Abi, functionName: 'symbol' }),
  decimals: encodeFunctionData({ abi: erc20Abi, functionName: 'decimals' }),
  totalSupply: encodeFunctionData({ abi: erc20Abi, functionName: 'totalSupply' }),
};

/** name/symbol/decimals/totalSupply in one batch; `bytes32` names (MKR) are decoded too. */
export async function readTokenMeta(client: ChainClient, address: Address, blockNumber: bigint): Promise<TokenMeta> {
  const [name, symbol, decimals, totalSupply] = await Promise.all(
    [CALLS.name, CALLS.symbol, CALLS.decimals, CALLS.totalSupply].map((data) => probeCall(client, address, data, blockNumber)),
  );
  return {
    address,
    name: decodeTokenText(name ?? undefined),
    symbol: decodeTokenText(symbol ?? undefined),
    decimals: decodeDecimals(decimals ?? null),
    totalSupply: decodeUint(totalSupply ?? null),
  };
}

/** ERC-20 balance at a block; null when the call fails. */
export async function readBalance(client: ChainClient, token: Address, owner: Address, blockNumber: bigint): Promise<bigint | null> {
  return readOrNull(client, { address: token, abi: erc20Abi, functionName: 'balanceOf', args: [owner], blockNumber });
}
