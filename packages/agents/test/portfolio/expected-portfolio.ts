import { ARTIFACTS, UNISWAP_V3, type PortfolioScenario } from '@oca/testkit';
import { getAddress, maxUint128, parseAbi, parseAbiItem, parseEventLogs, type Address, type PublicClient } from 'viem';

/**
 * Portfolio figures recomputed for the tests, independently of the agent: logs and balances
 * through a separate viem client, prices in plain doubles from reserves and slot0, the V3
 * position's amounts and fees from the position manager itself (static `decreaseLiquidity` and
 * `collect` from the owner), cost basis by walking the wallet's swap receipts.
 */

const TRANSFER = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');
const V2_SWAP = parseAbiItem('event Swap(address indexed sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, address indexed to)');
const pairAbi = parseAbi(['function getReserves() view returns (uint112, uint112, uint32)', 'function token0() view returns (address)', 'function totalSupply() view returns (uint256)']);
const slot0Abi = parseAbi(['function slot0() view returns (uint160, int24, uint16, uint16, uint16, uint8, bool)']);
const NFT_EVENTS = parseAbi([
  'event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)',
  'event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)',
  'event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)',
]);
const nftReadAbi = parseAbi(['function ownerOf(uint256) view returns (address)', 'function balanceOfBatch(address[], uint256[]) view returns (uint256[])']);

export interface PortfolioTruth {
  /** Every contract a 3-topic Transfer naming the wallet came from (plus the quote tokens), with a positive balance. */
  held: Map<Address, bigint>;
  native: bigint;
  wethUsd: number;
  /** USD per whole token, and the pool it comes from. */
  prices: Map<Address, { usd: number; pool: Address }>;
  lp: { balance: bigint; weth: bigint; alpha: bigint };
  v3: { liquidity: bigint; amount0: bigint; amount1: bigint; fees0: bigint; fees1: bigint; token0: Address };
  /**
   * NFTs held, by collection: ids the wallet's own decoding of every ERC-721 Transfer and ERC-1155
   * TransferSingle/TransferBatch shows arriving (V3 position NFTs aside), kept where `ownerOf` /
   * `balanceOfBatch` at the block says so; `replayed` is the same balances summed from the logs.
   */
  nfts: Map<Address, { standard: 'erc721' | 'erc1155'; held: Map<bigint, bigint>; replayed: Map<bigint, bigint> }>;
  /** Distinct (collection, id) pairs that arrived at the wallet (V3 positions aside). */
  nftCandidates: number;
  /** Average-cost walk over the wallet's swaps of a token, quote valued at the swap's block. */
  costBasis(token: Address): Promise<{ cost: number; realized: number; bought: bigint; sold: bigint; swaps: number }>;
}

const num = (raw: bigint, decimals: number) => Number(raw) / 10 ** decimals;

export async function readTruth(rpc: PublicClient, s: PortfolioScenario): Promise<PortfolioTruth> {
  const at = { blockNumber: s.endBlock };
  const [incoming, outgoing] = await Promise.all([
    rpc.getLogs({ event: TRANSFER, args: { to: s.wallet }, fromBlock: 0n, toBlock: s.endBlock, strict: false }),
    rpc.getLogs({ event: TRANSFER, args: { from: s.wallet }, fromBlock: 0n, toBlock: s.endBlock, strict: false }),
  ]);
  const emitters = [...new Set([...incoming, ...outgoing].filter((l) => l.topics.length === 3).map((l) => getAddress(l.address)))];
  const candidates = [...new Set([...emitters, s.core.weth, s.core.usd])];
  const balances = await Promise.all(candidates.map((t) => rpc.readContract({ address: t, abi: ARTIFACTS.erc20.abi, functionName: 'balanceOf', args: [s.wallet], ...at }) as Promise<bigint>));
  const held = new Map(candidates.map((t, i) => [t, balances[i]!] as const).filter(([, b]) => b > 0n));

  const reserves = async (pair: Address, base: Address) => {
    const [[r0, r1], token0] = await Promise.all([rpc.readContract({ address: pair, abi: pairAbi, functionName: 'getReserves', ...at }), rpc.readContract({ address: pair, abi: pairAbi, functionName: 'token0', ...at })]);
    return getAddress(token0) === base ? { base: r0, quote: r1 } : { base: r1, quote: r0 };
  };
  const wethUsdR = await reserves(s.pairs.wethUsd, s.core.weth);
  const wethUsd = num(wethUsdR.quote, 6) / num(wethUsdR.base, 18);
  const inWeth = async (pair: Address, token: Address) => {
    const r = await reserves(pair, token);
    return (num(r.quote, 18) / num(r.base, 18)) * wethUsd;
  };
  const prices = new Map<Address, { usd: number; pool: Address }>([
    [s.core.weth, { usd: wethUsd, pool: s.pairs.wethUsd }],
    [s.tokens.alpha, { usd: await inWeth(s.pairs.alphaWeth, s.tokens.alpha), pool: s.pairs.alphaWeth }],
    [s.tokens.honey, { usd: await inWeth(s.pairs.honeyWeth, s.tokens.honey), pool: s.pairs.honeyWeth }],
  ]);
  // BETA: the deeper of its two pools by quote-side USD (dUSD reserve vs. the V3 pool's WETH).
  const betaUsd = await reserves(s.pairs.betaUsd, s.tokens.beta);
  const v3Weth = (await rpc.readContract({ address: s.core.weth, abi: ARTIFACTS.erc20.abi, functionName: 'balanceOf', args: [s.v3Pool], ...at })) as bigint;
  const [sqrtPriceX96] = await rpc.readContract({ address: s.v3Pool, abi: slot0Abi, functionName: 'slot0', ...at });
  const betaIs0 = s.tokens.beta.toLowerCase() < s.core.weth.toLowerCase();
  const p1per0 = (Number(sqrtPriceX96) / 2 ** 96) ** 2;
  const v3BetaUsd = (betaIs0 ? p1per0 : 1 / p1per0) * wethUsd;
  prices.set(
    s.tokens.beta,
    num(betaUsd.quote, 6) >= num(v3Weth, 18) * wethUsd ? { usd: num(betaUsd.quote, 6) / num(betaUsd.base, 18), pool: s.pairs.betaUsd } : { usd: v3BetaUsd, pool: s.v3Pool },
  );

  const [lpBalance, lpSupply, lpReserves] = await Promise.all([
    rpc.readContract({ address: s.pairs.alphaWeth, abi: ARTIFACTS.erc20.abi, functionName: 'balanceOf', args: [s.wallet], ...at }) as Promise<bigint>,
    rpc.readContract({ address: s.pairs.alphaWeth, abi: pairAbi, functionName: 'totalSupply', ...at }),
    reserves(s.pairs.alphaWeth, s.tokens.alpha),
  ]);

  const npm = UNISWAP_V3.positionManager.abi;
  const position = (await rpc.readContract({ address: s.core.uniswapV3PositionManager, abi: npm, functionName: 'positions', args: [s.positionId], ...at })) as readonly unknown[];
  const liquidity = position[7] as bigint;
  const asOwner = { account: s.wallet, address: s.core.uniswapV3PositionManager, abi: npm, ...at } as const;
  const { result: burned } = await rpc.simulateContract({ ...asOwner, functionName: 'decreaseLiquidity', args: [{ tokenId: s.positionId, liquidity, amount0Min: 0n, amount1Min: 0n, deadline: 2n ** 40n }] });
  const { result: fees } = await rpc.simulateContract({ ...asOwner, functionName: 'collect', args: [{ tokenId: s.positionId, recipient: s.wallet, amount0Max: maxUint128, amount1Max: maxUint128 }] });
  const [amount0, amount1] = burned as [bigint, bigint];
  const [fees0, fees1] = fees as [bigint, bigint];

  const pairOf = new Map<Address, Address>([
    [s.tokens.alpha, s.pairs.alphaWeth],
    [s.tokens.honey, s.pairs.honeyWeth],
    [s.tokens.beta, s.pairs.betaUsd],
  ]);
  async function costBasis(token: Address) {
    const pair = pairOf.get(token)!;
    const logs = [...incoming, ...outgoing].filter((l) => getAddress(l.address) === token && l.topics.length === 3).sort((a, b) => Number(a.blockNumber - b.blockNumber) || a.logIndex - b.logIndex);
    const token0 = getAddress(await rpc.readContract({ address: pair, abi: pairAbi, functionName: 'token0' }));
    let held = 0n;
    let cost = 0;
    let realized = 0;
    let bought = 0n;
    let sold = 0n;
    let swaps = 0;
    for (const log of logs) {
      const { from, to, value } = log.args as { from: Address; to: Address; value: bigint };
      const receipt = await rpc.getTransactionReceipt({ hash: log.transactionHash });
      const swap = parseEventLogs({ abi: [V2_SWAP], logs: receipt.logs }).find((l) => getAddress(l.address) === pair);
      let quoteUsd = 0;
      if (swap) {
        const a = swap.args;
        const quoteRaw = token0 === token ? a.amount1In + a.amount1Out : a.amount0In + a.amount0Out;
        if (pair === s.pairs.betaUsd) quoteUsd = num(quoteRaw, 6);
        else {
          const then = await rpc.readContract({ address: s.pairs.wethUsd, abi: pairAbi, functionName: 'getReserves', blockNumber: log.blockNumber });
          const usdIs0 = s.core.usd.toLowerCase() < s.core.weth.toLowerCase();
          quoteUsd = num(quoteRaw, 18) * (usdIs0 ? num(then[0], 6) / num(then[1], 18) : num(then[1], 6) / num(then[0], 18));
        }
      }
      if (getAddress(to) === s.wallet) {
        held += value;
        bought += value;
        cost += quoteUsd;
        swaps++;
      } else {
        const removed = (cost * Number(value)) / Number(held);
        if (swap && getAddress(to) === pair) {
          realized += quoteUsd - removed;
          sold += value;
          swaps++;
        }
        cost -= removed;
        held -= value;
      }
      void from;
    }
    return { cost, realized, bought, sold, swaps };
  }

  const { nfts, nftCandidates } = await readNftTruth(rpc, s);
  return {
    held,
    nfts,
    nftCandidates,
    native: await rpc.getBalance({ address: s.wallet, ...at }),
    wethUsd,
    prices,
    lp: { balance: lpBalance, alpha: (lpBalance * lpReserves.base) / lpSupply, weth: (lpBalance * lpReserves.quote) / lpSupply },
    v3: { liquidity, amount0, amount1, fees0, fees1, token0: betaIs0 ? s.tokens.beta : s.core.weth },
    costBasis,
  };
}

async function readNftTruth(rpc: PublicClient, s: PortfolioScenario): Promise<Pick<PortfolioTruth, 'nfts' | 'nftCandidates'>> {
  // One unfiltered read of the whole (short) devnet chain, decoded here: not the agent's topic filters.
  const logs = parseEventLogs({ abi: NFT_EVENTS, logs: await rpc.getLogs({ fromBlock: 0n, toBlock: s.endBlock }) });
  const moves: { collection: Address; standard: 'erc721' | 'erc1155'; from: Address; to: Address; id: bigint; amount: bigint }[] = [];
  for (const l of logs) {
    const collection = getAddress(l.address);
    if (l.eventName === 'Transfer') moves.push({ collection, standard: 'erc721', from: l.args.from, to: l.args.to, id: l.args.tokenId, amount: 1n });
    else if (l.eventName === 'TransferSingle') moves.push({ collection, standard: 'erc1155', from: l.args.from, to: l.args.to, id: l.args.id, amount: l.args.value });
    else l.args.ids.forEach((id, i) => moves.push({ collection, standard: 'erc1155', from: l.args.from, to: l.args.to, id, amount: l.args.values[i]! }));
  }
  const mine = moves.filter((m) => (m.from === s.wallet || m.to === s.wallet) && m.collection !== s.core.uniswapV3PositionManager);
  const nfts: PortfolioTruth['nfts'] = new Map();
  const arrived = new Set<string>();
  for (const m of mine) {
    const c = nfts.get(m.collection) ?? nfts.set(m.collection, { standard: m.standard, held: new Map(), replayed: new Map() }).get(m.collection)!;
    if (m.to === s.wallet) arrived.add(`${m.collection}:${m.id}`);
    c.replayed.set(m.id, (c.replayed.get(m.id) ?? 0n) + (m.to === s.wallet ? m.amount : 0n) - (m.from === s.wallet ? m.amount : 0n));
  }
  for (const [collection, c] of nfts) {
    const ids = [...c.replayed.keys()];
    const amounts =
      c.standard === 'erc721'
        ? await Promise.all(ids.map(async (id) => (getAddress(await rpc.readContract({ address: collection, abi: nftReadAbi, functionName: 'ownerOf', args: [id], blockNumber: s.endBlock })) === s.wallet ? 1n : 0n)))
        : await rpc.readContract({ address: collection, abi: nftReadAbi, functionName: 'balanceOfBatch', args: [ids.map(() => s.wallet), ids], blockNumber: s.endBlock });
    ids.forEach((id, i) => amounts[i]! > 0n && c.held.set(id, amounts[i]!));
    for (const [id, n] of c.replayed) if (n === 0n) c.replayed.delete(id);
  }
  return { nfts, nftCandidates: arrived.size };
}
