import { isExecutionError, type ChainClient } from '@oca/chain';
import { decodeFunctionResult, encodeFunctionData, getAddress, keccak256, slice, toHex, type Address, type Hex } from 'viem';
import { SECURITY_PROBE_ABI, SECURITY_PROBE_RUNTIME } from './security-probe.generated';

/**
 * Where the probe's code is placed by state override: an address derived from a label, so no
 * contract is there on any chain (finding a preimage for a chosen address is infeasible).
 */
export const PROBE_ADDRESS: Address = getAddress(slice(keccak256(toHex('oca.security-probe')), 12));
/** `from` of the simulation: a fresh EOA, so tokens that check tx.origin see a normal buyer. */
export const PROBE_CALLER: Address = getAddress(slice(keccak256(toHex('oca.security-probe.caller')), 12));
/** Native balance given to the probe by override; it spends 0.1 % of a pool's quote reserve. */
const PROBE_FUNDS = 10n ** 30n;

/** Gas for one inspect chunk: ~8k per account plus pool checks, well under every node's eth_call cap. */
const INSPECT_GAS = 25_000_000n;
const SIMULATE_GAS = 15_000_000n;
/**
 * The limits bisection: about 60 swaps at most (each search stops at 0.01 % or 28 trials), each
 * capped at 1 M gas by the probe, which stops searching (`budgetSpent`) before this runs out.
 * Explicit, so the call never runs at a node's block gas limit, and under every provider's cap.
 */
export const LIMITS_GAS = 25_000_000n;
/** Accounts per inspect call; chunks go out together (one batch). */
export const INSPECT_CHUNK = 500;

/** A verified pool as the probe read it. */
export type ProbePool = {
  pair: Address;
  factory: Address;
  version: 2 | 3;
  token0: Address;
  token1: Address;
  /** V2 reserves; V3 token balances of the pool. */
  reserve0: bigint;
  reserve1: bigint;
  /** V2 LP supply; 0n for V3. */
  lpSupply: bigint;
  /** V3 only (0 / 0n for V2). */
  fee: number;
  sqrtPriceX96: bigint;
  liquidity: bigint;
  /** A Solidly pool (version 2, verified by `getPool(token0, token1, stable)`): it quotes its own output. */
  solidly: boolean;
  /** A Solidly stable pool. */
  stable: boolean;
};

export interface Inspection {
  /** Per account, in the order given. */
  balances: bigint[];
  codeSizes: number[];
  /** Verified V2 pairs and V3 pools of the token among the accounts, deduplicated. */
  pools: ProbePool[];
  /** eth_calls made. */
  calls: number;
}

/** Options for `inspect`. */
export interface InspectRequest {
  token: Address;
  /** Holders to read; pools among them (or listed pools added here) are verified and read. */
  accounts: readonly Address[];
  blockNumber: bigint;
}

/**
 * Balances and code sizes of many accounts and the token's V2 pairs and V3 pools among them,
 * through the probe's `inspect` in chunks of `INSPECT_CHUNK` accounts, all sent at once.
 */
export async function inspect(client: ChainClient, request: InspectRequest): Promise<Inspection> {
  const chunks: Address[][] = [];
  for (let i = 0; i < request.accounts.length; i += INSPECT_CHUNK) chunks.push(request.accounts.slice(i, i + INSPECT_CHUNK));
  if (chunks.length === 0) chunks.push([]);
  const results = await Promise.all(
    chunks.map((accounts) => {
      const data = encodeFunctionData({ abi: SECURITY_PROBE_ABI, functionName: 'inspect', args: [request.token, accounts] });
      return probeCall(client, data, request.blockNumber, INSPECT_GAS, false).then((out) =>
        decodeFunctionResult({ abi: SECURITY_PROBE_ABI, functionName: 'inspect', data: out }),
      );
    }),
  );
  const pools = new Map<Address, ProbePool>();
  for (const [, , found] of results) for (const pool of found) pools.set(getAddress(pool.pair), normalisePool(pool));
  return {
    balances: results.flatMap(([balances]) => [...balances]),
    codeSizes: results.flatMap(([, sizes]) => sizes.map(Number)),
    pools: [...pools.values()],
    calls: results.length,
  };
}

/** A V3 position-manager NFT as the probe's `positions` read it. */
export interface ProbePosition {
  /** The manager answered `positions(tokenId)`. */
  exists: boolean;
  /** `ownerOf(tokenId)`; 0x0 when it does not answer. */
  owner: Address;
  ownerCodeSize: number;
  token0: Address;
  token1: Address;
  fee: number;
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
  /** The owner is one of the lockers asked and says it still locks the NFT at the block. */
  locked: boolean;
}

/** NFTs per `positions` call; chunks go out together (one batch). */
const POSITIONS_CHUNK = 300;

/**
 * Position, owner (with code size) and lock state of many position-manager NFTs in one probe call
 * per `POSITIONS_CHUNK` ids, all sent at once.
 */
export async function positions(
  client: ChainClient,
  request: { manager: Address; tokenIds: readonly bigint[]; lockers: readonly Address[]; blockNumber: bigint },
): Promise<ProbePosition[]> {
  const chunks: bigint[][] = [];
  for (let i = 0; i < request.tokenIds.length; i += POSITIONS_CHUNK) chunks.push(request.tokenIds.slice(i, i + POSITIONS_CHUNK));
  const results = await Promise.all(
    chunks.map(async (ids) => {
      const data = encodeFunctionData({ abi: SECURITY_PROBE_ABI, functionName: 'positions', args: [request.manager, ids, request.lockers] });
      return decodeFunctionResult({ abi: SECURITY_PROBE_ABI, functionName: 'positions', data: await probeCall(client, data, request.blockNumber, INSPECT_GAS, false) });
    }),
  );
  return results.flat().map((p) => ({
    exists: p.exists,
    owner: getAddress(p.owner),
    ownerCodeSize: Number(p.ownerCodeSize),
    token0: getAddress(p.token0),
    token1: getAddress(p.token1),
    fee: p.fee,
    tickLower: p.tickLower,
    tickUpper: p.tickUpper,
    liquidity: p.liquidity,
    locked: p.locked,
  }));
}

export type Simulation = ReturnType<typeof decodeSimulation>;

/** A pool to trade through, with what the probe must know of its DEX. */
export interface TradePool {
  pair: Address;
  version: 2 | 3;
  /**
   * A V2 pair's swap fee in basis points (its factory's `feeBps` in DEX_DEPLOYMENTS); ignored for
   * V3 pools, which charge their own fee tier.
   * @default 30 (Uniswap V2)
   */
  feeBps?: number;
  /** The pool quotes its own output (a Solidly pool's `getAmountOut(amountIn, tokenIn)`); `feeBps` is then unused. */
  quotesOwnOutput?: boolean;
}

/** The V2 fee the probe reads as "ask the pool" (`POOL_QUOTES` in SecurityProbe.sol). */
const POOL_QUOTES = 0xffff;

/** The fee argument the probe takes for a pool. */
const probeFee = (p: TradePool) => (p.version === 3 ? 0 : p.quotesOwnOutput ? POOL_QUOTES : (p.feeBps ?? 30));

/**
 * What `Simulation.attempts[i]` says of `pools[i]`: not reached (an earlier pool traded), passed
 * over (its other side is not a wrapped native coin, or it is too shallow), its buy reverted (the
 * pool could not run the simulation: `buyErrors[i]`), or traded through.
 */
export const POOL_ATTEMPT = { notReached: 0, passedOver: 1, buyReverted: 2, traded: 3 } as const;

/**
 * One buy → wallet transfer → sell through the first pool of `pools` (deepest first) whose buy
 * goes through; pools whose buy reverts are passed over, a failure after a buy is never retried
 * elsewhere (see SecurityProbe.sol `simulate`).
 */
export async function simulate(client: ChainClient, token: Address, pools: readonly TradePool[], blockNumber: bigint) {
  const data = encodeFunctionData({
    abi: SECURITY_PROBE_ABI,
    functionName: 'simulate',
    args: [token, pools.map((p) => p.pair), pools.map((p) => p.version), pools.map(probeFee)],
  });
  return decodeSimulation(await probeCall(client, data, blockNumber, SIMULATE_GAS, true));
}

function decodeSimulation(data: Hex) {
  return decodeFunctionResult({ abi: SECURITY_PROBE_ABI, functionName: 'simulate', data });
}

/** The probe's `Limits` (see SecurityProbe.sol): the largest buy, wallet balance and sale that went through. */
export type ProbeLimits = ReturnType<typeof decodeLimits>;

/** What `probeLimits` probes. */
export interface LimitsRequest {
  token: Address;
  /** The pool, with what the probe must know of its DEX, as `simulate` is given it. */
  pool: TradePool;
  /** The pool's other token, a wrapped native coin (the probe wraps its funds into it). */
  quote: Address;
  blockNumber: bigint;
  /** Gas of the whole call. @default LIMITS_GAS */
  gas?: bigint;
}

/**
 * The largest buy, the largest balance a wallet reaches by buying, and the largest sale through
 * `pool` (its other token `quote` a wrapped native coin), by bisection inside one eth_call, trading
 * as `simulate` does: a V2 pair at its fee, a Solidly pool at its own quote, a V3 pool through its
 * DEX's callback. Null when the call reverted as a whole (the probe keeps gas back so that it should not).
 */
export async function probeLimits(client: ChainClient, request: LimitsRequest): Promise<ProbeLimits | null> {
  const route = request.pool.version === 3 ? 3 : 1;
  const data = encodeFunctionData({
    abi: SECURITY_PROBE_ABI,
    functionName: 'limits',
    args: [request.token, request.pool.pair, request.quote, route, probeFee(request.pool)],
  });
  try {
    return decodeLimits(await probeCall(client, data, request.blockNumber, request.gas ?? LIMITS_GAS, true));
  } catch (err) {
    if (isExecutionError(err)) return null;
    throw err;
  }
}

function decodeLimits(data: Hex) {
  return decodeFunctionResult({ abi: SECURITY_PROBE_ABI, functionName: 'limits', data });
}

/**
 * eth_call to the probe with its code (and, to trade, a balance) placed by state override. `gas`
 * and `account` also keep viem from folding the call into a Multicall3 batch, which would run it
 * with the multicall contract as msg.sender.
 */
/** A real holder's sale to simulate: sells `amount` of its own tokens into `pool`. */
export interface HolderSaleRequest {
  token: Address;
  pool: TradePool;
  quote: Address;
  holder: Address;
  amount: bigint;
  blockNumber: bigint;
}

/** What a holder's simulated sale did: the probe's `Sale` figures, or the revert data. */
export type HolderSaleResult = { ok: true; sold: bigint; expected: bigint; received: bigint } | { ok: false; revertData: Hex };

/**
 * Sells `amount` of the holder's own tokens from the holder's own address: the probe's code is put
 * at the holder's address by a state override (an EOA has none; its token balance, allowances and
 * every flag the token keeps about it stay as they are) and the call comes from the holder itself,
 * so the token sees exactly the sender a real sale would have. `sellStep` does the transfer into
 * the pool and the swap, as in the fresh simulation. A revert is a result, not an error.
 */
export async function sellAsHolder(client: ChainClient, request: HolderSaleRequest): Promise<HolderSaleResult> {
  const route = request.pool.version === 3 ? 3 : 1;
  const data = encodeFunctionData({
    abi: SECURITY_PROBE_ABI,
    functionName: 'sellStep',
    args: [request.token, request.pool.pair, request.quote, request.amount, route, probeFee(request.pool)],
  });
  try {
    const { data: out } = await client.call({
      account: request.holder,
      to: request.holder,
      data,
      gas: SIMULATE_GAS,
      blockNumber: request.blockNumber,
      stateOverride: [{ address: request.holder, code: SECURITY_PROBE_RUNTIME }],
    });
    const sale = decodeFunctionResult({ abi: SECURITY_PROBE_ABI, functionName: 'sellStep', data: out ?? '0x' });
    return { ok: true, sold: sale.sold, expected: sale.expected, received: sale.received };
  } catch (err) {
    if (!isExecutionError(err)) throw err;
    return { ok: false, revertData: revertDataOf(err) };
  }
}

/** The revert data viem attached somewhere along the error's causes; 0x when none. */
function revertDataOf(err: unknown): Hex {
  for (let e = err as { data?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (typeof e.data === 'string' && e.data.startsWith('0x')) return e.data as Hex;
    const nested = (e.data as { data?: unknown } | undefined)?.data;
    if (typeof nested === 'string' && nested.startsWith('0x')) return nested as Hex;
  }
  return '0x';
}

async function probeCall(client: ChainClient, data: Hex, blockNumber: bigint, gas: bigint, funded: boolean): Promise<Hex> {
  const { data: out } = await client.call({
    account: PROBE_CALLER,
    to: PROBE_ADDRESS,
    data,
    gas,
    blockNumber,
    stateOverride: [{ address: PROBE_ADDRESS, code: SECURITY_PROBE_RUNTIME, ...(funded ? { balance: PROBE_FUNDS } : {}) }],
  });
  return out ?? '0x';
}

type RawPool = {
  pair: Address;
  factory: Address;
  token0: Address;
  token1: Address;
  reserve0: bigint;
  reserve1: bigint;
  lpSupply: bigint;
  version: number;
  fee: number;
  sqrtPriceX96: bigint;
  liquidity: bigint;
  solidly: boolean;
  stable: boolean;
};

function normalisePool(pool: RawPool): ProbePool {
  return {
    pair: getAddress(pool.pair),
    factory: getAddress(pool.factory),
    version: pool.version === 3 ? 3 : 2,
    token0: getAddress(pool.token0),
    token1: getAddress(pool.token1),
    reserve0: pool.reserve0,
    reserve1: pool.reserve1,
    lpSupply: pool.lpSupply,
    fee: pool.fee,
    sqrtPriceX96: pool.sqrtPriceX96,
    liquidity: pool.liquidity,
    solidly: pool.solidly,
    stable: pool.stable,
  };
}
