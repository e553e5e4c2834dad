import { beaconAbi, decodeTokenText, EIP1967_SLOTS, erc20Abi, minimalProxyImplementation, slotToAddress, type ChainClient } from '@oca/chain';
import type { SecurityProxy } from './schemas';
import { encodeFunctionData, getAddress, keccak256, parseAbi, size, slice, type Address, type Hex } from 'viem';
import { decodeDecimals, decodeUint, probeCall } from '../dex';

/** EIP-1822 (UUPS draft) implementation slot: keccak256("PROXIABLE"). */
export const EIP1822_SLOT: Hex = '0xc5f16f0fcc639fa48a6947836d9850f504798523bf8c9a3a87d5876cf622bcf7';

const ownableAbi = parseAbi(['function owner() view returns (address)', 'function getOwner() view returns (address)']);
const CALLS = {
  owner: encodeFunctionData({ abi: ownableAbi, functionName: 'owner' }),
  getOwner: encodeFunctionData({ abi: ownableAbi, functionName: 'getOwner' }),
  name: encodeFunctionData({ abi: erc20Abi, functionName: 'name' }),
  symbol: encodeFunctionData({ abi: erc20Abi, functionName: 'symbol' }),
  decimals: encodeFunctionData({ abi: erc20Abi, functionName: 'decimals' }),
  totalSupply: encodeFunctionData({ abi: erc20Abi, functionName: 'totalSupply' }),
  implementation: encodeFunctionData({ abi: beaconAbi, functionName: 'implementation' }),
};

/** The token contract as read at one block, before its proxy (if any) is followed. */
export interface ContractFacts {
  code: Hex;
  codeHash: Hex | null;
  slots: { implementation: Hex; admin: Hex; beacon: Hex; eip1822: Hex };
  /** From owner() or getOwner(), whichever answers first with an address; null when neither does. */
  owner: Address | null;
  name: string | null;
  symbol: string | null;
  decimals: number | null;
  /** null when totalSupply() does not answer: not an ERC-20. */
  totalSupply: bigint | null;
}

/** Eleven reads at one block, issued together so they travel as one JSON-RPC batch (or multicall). */
export async function readContract(client: ChainClient, target: Address, blockNumber: bigint): Promise<ContractFacts> {
  const slot = (s: Hex) => client.getStorageAt({ address: target, slot: s, blockNumber });
  const call = (data: Hex) => probeCall(client, target, data, blockNumber);
  const [code, implementation, admin, beacon, eip1822, owner, getOwner, name, symbol, decimals, totalSupply] = await Promise.all([
    client.getCode({ address: target, blockNumber }),
    slot(EIP1967_SLOTS.implementation),
    slot(EIP1967_SLOTS.admin),
    slot(EIP1967_SLOTS.beacon),
    slot(EIP1822_SLOT),
    call(CALLS.owner),
    call(CALLS.getOwner),
    call(CALLS.name),
    call(CALLS.symbol),
    call(CALLS.decimals),
    call(CALLS.totalSupply),
  ]);
  const runtime = code ?? '0x';
  return {
    code: runtime,
    codeHash: runtime === '0x' ? null : keccak256(runtime),
    slots: { implementation: word(implementation), admin: word(admin), beacon: word(beacon), eip1822: word(eip1822) },
    owner: decodeAddress(owner) ?? decodeAddress(getOwner),
    name: decodeTokenText(name ?? undefined),
    symbol: decodeTokenText(symbol ?? undefined),
    decimals: decodeDecimals(decimals),
    totalSupply: decodeUint(totalSupply),
  };
}

/** A proxy and the code it runs, resolved at the pinned block. */
export interface ResolvedProxy {
  proxy: SecurityProxy | null;
  /** Runtime code of the implementation; null when there is no proxy or it could not be resolved. */
  implementationCode: Hex | null;
}

/**
 * Recognises EIP-1167 clones (from the code), EIP-1967 (implementation or beacon slot) and
 * EIP-1822 (PROXIABLE slot), then reads the implementation's code: one more round trip, two for
 * a beacon (its `implementation()` first).
 */
export async function resolveProxy(client: ChainClient, facts: ContractFacts, blockNumber: bigint): Promise<ResolvedProxy> {
  const clone = minimalProxyImplementation(facts.code);
  const beacon = slotToAddress(facts.slots.beacon);
  let proxy: SecurityProxy | null = null;
  if (clone) proxy = { kind: 'EIP-1167', implementation: getAddress(clone), admin: null, beacon: null, upgradeable: false };
  else if (slotToAddress(facts.slots.implementation)) {
    proxy = { kind: 'EIP-1967', implementation: slotToAddress(facts.slots.implementation), admin: slotToAddress(facts.slots.admin), beacon: null, upgradeable: true };
  } else if (beacon) {
    const answer = await probeCall(client, beacon, CALLS.implementation, blockNumber);
    const implementation = answer !== null && size(answer) >= 32 ? slotToAddress(slice(answer, 0, 32)) : null;
    proxy = { kind: 'EIP-1967-beacon', implementation, admin: slotToAddress(facts.slots.admin), beacon, upgradeable: true };
  } else if (slotToAddress(facts.slots.eip1822)) {
    proxy = { kind: 'EIP-1822', implementation: slotToAddress(facts.slots.eip1822), admin: null, beacon: null, upgradeable: true };
  }
  if (!proxy?.implementation) return { proxy, implementationCode: null };
  const code = await client.getCode({ address: getAddress(proxy.implementation), blockNumber });
  return { proxy, implementationCode: code && code !== '0x' ? code : null };
}

/** An ABI-encoded address: one word with the high 12 bytes clear. */
function decodeAddress(data: Hex | null): Address | null {
  const n = decodeUint(data);
  if (n === null || n >> 160n !== 0n) return null;
  return getAddress(`0x${n.toString(16).padStart(40, '0')}`);
}

/** Some nodes return an empty slot as '0x' or omit leading zeros; normalise to a 32-byte word. */
function word(value: Hex | undefined): Hex {
  return `0x${(value ?? '0x').slice(2).padStart(64, '0')}`;
}
