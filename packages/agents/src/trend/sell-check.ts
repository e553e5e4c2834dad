import { erc20Abi, isExecutionError, type ChainClient } from '@oca/chain';
import {
  decodeErrorResult,
  decodeFunctionResult,
  encodeAbiParameters,
  encodeFunctionData,
  keccak256,
  numberToHex,
  parseAbi,
  type Address,
  type Hex,
  type StateOverride,
} from 'viem';
import type { PoolRef } from '../dex';
import { SWAP_PROBE_RUNTIME } from './swap-probe.bytecode';

/** The probe's `kind` per pool version: how it swaps and what it takes as the pool's promise. */
const PROBE_KIND: Readonly<Record<PoolRef['version'], number>> = { v2: 0, v3: 1, solidly: 2 };

/** An address with no code or balance on any chain, where the probe's code is placed per call. */
export const PROBE_ADDRESS: Address = '0x0000000000000000000000000000000050b0e7e5';

const probeAbi = parseAbi([
  'function probe(address pool, uint8 kind, address base, address quote, uint256 quoteIn) returns ((bool bought, bool sold, uint256 baseReceived, uint256 quoteReturned, uint256 baseExpected, uint256 quoteExpected, bytes reason) outcome)',
]);

/**
 * Storage slots tried for a token's `balanceOf` mapping: Solidity puts `mapping(address => uint)`
 * at keccak256(holder ‖ slot). 0–20 covers OpenZeppelin (0), WETH9 (3), USDT/DAI (2), USDC (9)
 * and most hand-written tokens; 51 is OpenZeppelin upgradeable's ERC20 after its gaps.
 */
const CANDIDATE_SLOTS = [...Array.from({ length: 21 }, (_, i) => i), 51];
const MARKER = 0x5ca1ab1e_0000_0000_0000n;

/**
 * The outcome of one buy-then-sell simulation. Taxes are fractions: what the token kept of what the
 * pool promised (`1 − received / promised`, clamped to 0–1, 6 decimals).
 */
export type SellCheck =
  | { status: 'passed'; baseReceived: bigint; quoteReturned: bigint; quoteIn: bigint; buyTax: number; sellTax: number }
  | { status: 'honeypot'; reason: string; baseReceived: bigint; quoteIn: bigint; buyTax: number }
  | { status: 'cannot_buy'; reason: string; baseReceived: bigint; quoteIn: bigint }
  | { status: 'unchecked'; reason: string };

/** `1 − received / promised`, clamped to [0, 1], 6 decimals. */
export function taxOf(received: bigint, promised: bigint): number {
  if (promised <= 0n || received >= promised) return 0;
  return Number(((promised - received) * 1_000_000n) / promised) / 1_000_000;
}

function balanceKey(holder: Address, slot: number): Hex {
  return keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [holder, BigInt(slot)]));
}

/**
 * Finds the `balanceOf` mapping slot of each token in one batch: for every candidate slot, an
 * eth_call of `balanceOf(PROBE_ADDRESS)` with that slot's entry overridden to a marker; the slot
 * whose call returns the marker is the one. Null when none does (Vyper layout, packed balances).
 */
export async function findBalanceSlots(client: ChainClient, tokens: readonly Address[], blockNumber: bigint): Promise<Map<Address, number | null>> {
  const data = encodeFunctionData({ abi: erc20Abi, functionName: 'balanceOf', args: [PROBE_ADDRESS] });
  const found = await Promise.all(
    tokens.map(async (token) => {
      const answers = await Promise.all(
        CANDIDATE_SLOTS.map(async (slot) => {
          try {
            const { data: returned } = await client.call({
              to: token,
              data,
              blockNumber,
              stateOverride: [{ address: token, stateDiff: [{ slot: balanceKey(PROBE_ADDRESS, slot), value: numberToHex(MARKER, { size: 32 }) }] }],
            });
            return returned !== undefined && returned.length >= 66 && BigInt(returned.slice(0, 66)) === MARKER;
          } catch (err) {
            if (isExecutionError(err)) return false;
            throw err;
          }
        }),
      );
      const index = answers.indexOf(true);
      return [token, index >= 0 ? CANDIDATE_SLOTS[index]! : null] as const;
    }),
  );
  return new Map(found);
}

/**
 * Simulates, in one eth_call at `blockNumber`, a buy of the pool's base token with `quoteIn` of its
 * quote token followed by a sell of everything bought, from a probe contract that exists only in
 * the call's state override (code at `PROBE_ADDRESS`, quote balance written into the quote's
 * `balanceOf` slot). Works on any node that supports eth_call state overrides, not only anvil.
 */
export async function checkSell(client: ChainClient, pool: PoolRef, quoteIn: bigint, balanceSlot: number | null, blockNumber: bigint): Promise<SellCheck> {
  if (balanceSlot === null) return { status: 'unchecked', reason: `the balanceOf slot of quote token ${pool.quote} was not found, so the probe could not be funded` };
  const stateOverride: StateOverride = [
    { address: PROBE_ADDRESS, code: SWAP_PROBE_RUNTIME },
    { address: pool.quote, stateDiff: [{ slot: balanceKey(PROBE_ADDRESS, balanceSlot), value: numberToHex(quoteIn, { size: 32 }) }] },
  ];
  const data = encodeFunctionData({ abi: probeAbi, functionName: 'probe', args: [pool.address, PROBE_KIND[pool.version], pool.base, pool.quote, quoteIn] });
  let returned: Hex | undefined;
  try {
    ({ data: returned } = await client.call({ to: PROBE_ADDRESS, data, blockNumber, stateOverride, gas: 5_000_000n }));
  } catch (err) {
    if (isExecutionError(err)) return { status: 'unchecked', reason: `the probe itself reverted: ${firstLine(err)}` };
    throw err;
  }
  if (!returned || returned === '0x') return { status: 'unchecked', reason: 'the probe returned no data (state overrides unsupported by the node?)' };
  const o = decodeFunctionResult({ abi: probeAbi, functionName: 'probe', data: returned });
  if (!o.bought) return { status: 'cannot_buy', reason: revertText(o.reason), baseReceived: 0n, quoteIn };
  const buyTax = taxOf(o.baseReceived, o.baseExpected);
  if (!o.sold) return { status: 'honeypot', reason: revertText(o.reason), baseReceived: o.baseReceived, quoteIn, buyTax };
  return { status: 'passed', baseReceived: o.baseReceived, quoteReturned: o.quoteReturned, quoteIn, buyTax, sellTax: taxOf(o.quoteReturned, o.quoteExpected) };
}

/** Revert data as text: `Error(string)`/`Panic` decoded, the probe's own plain-bytes reasons as text, else hex. */
export function revertText(data: Hex): string {
  if (data === '0x') return 'reverted without a reason';
  try {
    const decoded = decodeErrorResult({ abi: [], data });
    const args = decoded.args?.map(String) ?? [];
    return decoded.errorName === 'Error' ? `reverted: "${args[0] ?? ''}"` : `reverted: ${decoded.errorName}(${args.join(', ')})`;
  } catch {
    // not a standard error; maybe one of the probe's plain-bytes reasons
  }
  const text = Buffer.from(data.slice(2), 'hex').toString('utf8');
  if (/^[\x20-\x7e]+$/.test(text)) return text;
  return `reverted with data ${data.slice(0, 74)}`;
}

function firstLine(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err);
}
