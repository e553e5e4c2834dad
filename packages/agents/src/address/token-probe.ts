import { decodeTokenText, erc165Abi, erc20Abi, INTERFACE_IDS, type ChainClient } from '@oca/chain';
import type { TokenInfo } from '@oca/contracts';
import { encodeFunctionData, type Address, type Hex } from 'viem';
import { decodeBool, decodeDecimals, decodeUint, probeCall } from '../dex';

/** Raw return data of every call token detection makes; null where the EVM failed the call. */
export interface TokenProbe {
  supports165: Hex | null;
  supportsInvalid: Hex | null;
  supports721: Hex | null;
  supports1155: Hex | null;
  totalSupply: Hex | null;
  decimals: Hex | null;
  name: Hex | null;
  symbol: Hex | null;
}

const supportsInterface = (id: Hex) => encodeFunctionData({ abi: erc165Abi, functionName: 'supportsInterface', args: [id] });

const CALLDATA: Record<keyof TokenProbe, Hex> = {
  supports165: supportsInterface(INTERFACE_IDS.erc165),
  supportsInvalid: supportsInterface(INTERFACE_IDS.invalid),
  supports721: supportsInterface(INTERFACE_IDS.erc721),
  supports1155: supportsInterface(INTERFACE_IDS.erc1155),
  totalSupply: encodeFunctionData({ abi: erc20Abi, functionName: 'totalSupply' }),
  decimals: encodeFunctionData({ abi: erc20Abi, functionName: 'decimals' }),
  name: encodeFunctionData({ abi: erc20Abi, functionName: 'name' }),
  symbol: encodeFunctionData({ abi: erc20Abi, functionName: 'symbol' }),
};

/**
 * Issues all eight probe calls at once. They share one block and one tick, so viem sends them as a
 * single Multicall3 `aggregate3` (chains that have it) or a single JSON-RPC batch (devnet).
 * A proxy is probed at its own address: it delegates, so it answers as its implementation does.
 */
export async function probeToken(client: ChainClient, address: Address, blockNumber: bigint): Promise<TokenProbe> {
  const keys = Object.keys(CALLDATA) as (keyof TokenProbe)[];
  const results = await Promise.all(keys.map((key) => probeCall(client, address, CALLDATA[key], blockNumber)));
  return Object.fromEntries(keys.map((key, i) => [key, results[i] ?? null])) as unknown as TokenProbe;
}

/**
 * Decides the token standard from a probe. ERC-721 and ERC-1155 need a real ERC-165 answer
 * (`supportsInterface(0x01ffc9a7)` true and `(0xffffffff)` false, as ERC-165 prescribes), so a
 * contract whose fallback returns 1 for everything is not mistaken for an NFT. ERC-20 has no
 * introspection: `totalSupply()` plus at least one of decimals/name/symbol must answer.
 */
export function classifyToken(probe: TokenProbe): TokenInfo | null {
  const name = decodeTokenText(probe.name ?? undefined);
  const symbol = decodeTokenText(probe.symbol ?? undefined);
  const totalSupply = decodeUint(probe.totalSupply);
  const erc165 = decodeBool(probe.supports165) === true && decodeBool(probe.supportsInvalid) === false;

  if (erc165 && decodeBool(probe.supports721) === true) {
    return { standard: 'ERC721', name, symbol, decimals: null, totalSupply: totalSupply?.toString() ?? null };
  }
  if (erc165 && decodeBool(probe.supports1155) === true) {
    // ERC-1155 supply is per token id; a contract-wide figure is not part of the standard.
    return { standard: 'ERC1155', name, symbol, decimals: null, totalSupply: null };
  }
  const decimals = decodeDecimals(probe.decimals);
  if (totalSupply !== null && (decimals !== null || name !== null || symbol !== null)) {
    return { standard: 'ERC20', name, symbol, decimals, totalSupply: totalSupply.toString() };
  }
  return null;
}
