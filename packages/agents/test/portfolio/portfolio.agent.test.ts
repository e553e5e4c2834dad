import { ChainClients } from '@oca/chain';
import { ARTIFACTS, deployPortfolioScenario, PROVIDER_PROFILES, startAnvil, startRpcProxy, type AnvilInstance, type PortfolioScenario } from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, encodeFunctionData, http, keccak256, toHex, type Address, type PublicClient } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { PermanentAgentError, type AgentContext } from '../../src';
import { portfolioAgent } from '../../src/portfolio/portfolio.agent';
import { PortfolioResult, type PortfolioHolding } from '../../src/portfolio/portfolio-contract';
import { readTruth, type PortfolioTruth } from './expected-portfolio';

jest.setTimeout(90_000);

const NOW = new Date('2026-01-02T03:04:05.000Z');
const EIP1967_IMPLEMENTATION = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc';
let anvil: AnvilInstance;
let s: PortfolioScenario;
let rpc: PublicClient;
let truth: PortfolioTruth;
let result: PortfolioResult;

function ctx(url: string): AgentContext {
  return { chain: new ChainClients({ rpcUrls: { devnet: [url] } }), logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => NOW };
}

async function portfolio(address: string, url = anvil.rpcUrl): Promise<PortfolioResult> {
  return PortfolioResult.parse(await portfolioAgent.run(portfolioAgent.params.parse({ network: 'devnet', address }), ctx(url)));
}

const close = (actual: number | null | undefined, expected: number) => expect(Math.abs(actual! / expected - 1)).toBeLessThan(1e-9);
const holding = (token: Address): PortfolioHolding => result.data.holdings.find((h) => h.token === token && h.kind !== 'v3-position')!;

beforeAll(async () => {
  anvil = await startAnvil();
  s = await deployPortfolioScenario(anvil.rpcUrl);
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: true }) });
  truth = await readTruth(rpc, s);
  result = await portfolio(s.wallet);
});

afterAll(async () => {
  await anvil?.stop();
});

describe('portfolio agent on the devnet portfolio scenario', () => {
  it('finds every token the wallet holds from its Transfer history, with balances read at the block', () => {
    expect(result).toMatchObject({ agent: 'portfolio', network: 'devnet', target: s.wallet, blockNumber: s.endBlock.toString(), generatedAt: NOW.toISOString() });
    expect(result.data.history).toMatchObject({ fromBlock: '0', toBlock: s.endBlock.toString(), complete: true });
    const tokens = result.data.holdings.filter((h) => h.kind === 'erc20' || h.kind === 'v2-lp');
    expect(new Map(tokens.map((h) => [h.token, BigInt(h.balance)]))).toEqual(truth.held);
    expect(holding(s.pairs.alphaWeth).kind).toBe('v2-lp');
    const native = result.data.holdings.find((h) => h.kind === 'native')!;
    expect(BigInt(native.balance)).toBe(truth.native);
    close(native.valueUsd, (Number(truth.native) / 1e18) * truth.wethUsd);
  });

  it('prices each token the market agent’s way and values it; the unpriced token is listed with no value', () => {
    for (const [token, price] of truth.prices) {
      const h = holding(token);
      close(Number(h.priceUsd), price.usd);
      expect(h.priceSource).toBe(token === s.core.weth ? `native anchor ${price.pool}` : price.pool);
      close(h.valueUsd, (Number(h.balance) / 1e18) * price.usd);
    }
    expect(holding(s.core.usd)).toMatchObject({ priceUsd: '1', priceSource: 'stablecoin', valueUsd: Number(truth.held.get(s.core.usd)!) / 1e6 });
    expect(holding(s.tokens.lost)).toMatchObject({ priceUsd: null, valueUsd: null, allocationPercent: null });
    expect(result.findings.find((f) => f.title === '1 unpriced holding')?.evidence).toContain(s.tokens.lost);
  });

  it('splits the V2 LP token into its share of the reserves', () => {
    const lp = holding(s.pairs.alphaWeth);
    expect(lp.pool).toBe(s.pairs.alphaWeth);
    expect(lp.underlying!.map((u) => [u.token, BigInt(u.amount)]).sort()).toEqual(
      [
        [s.tokens.alpha, truth.lp.alpha],
        [s.core.weth, truth.lp.weth],
      ].sort(),
    );
    const value = (Number(truth.lp.alpha) / 1e18) * truth.prices.get(s.tokens.alpha)!.usd + (Number(truth.lp.weth) / 1e18) * truth.wethUsd;
    close(lp.valueUsd, value);
  });

  it('values the V3 position at the current tick with its uncollected fees, as the position manager would pay them', () => {
    const v3 = result.data.holdings.find((h) => h.kind === 'v3-position')!;
    expect(v3).toMatchObject({ token: s.core.uniswapV3PositionManager, tokenId: s.positionId.toString(), pool: s.v3Pool, balance: truth.v3.liquidity.toString() });
    expect(v3.underlying!.map((u) => u.amount)).toEqual([truth.v3.amount0.toString(), truth.v3.amount1.toString()]);
    expect(v3.uncollectedFees!.map((u) => u.amount)).toEqual([truth.v3.fees0.toString(), truth.v3.fees1.toString()]);
    expect(truth.v3.fees0 > 0n && truth.v3.fees1 > 0n).toBe(true);
    const usd = (token: Address, raw: bigint) => (Number(raw) / 1e18) * truth.prices.get(token)!.usd;
    const token1 = truth.v3.token0 === s.tokens.beta ? s.core.weth : s.tokens.beta;
    close(v3.valueUsd, usd(truth.v3.token0, truth.v3.amount0 + truth.v3.fees0) + usd(token1, truth.v3.amount1 + truth.v3.fees1));
  });

  it('lists the ERC-721 and ERC-1155 NFTs the wallet still holds, confirmed on chain, unpriced and outside the total', async () => {
    const expected = [...truth.nfts].map(([collection, c]) => ({
      standard: c.standard,
      collection,
      tokens: [...c.held].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, n]) => ({ tokenId: id.toString(), amount: n.toString() })),
    }));
    const byCollection = (a: { collection: string }, b: { collection: string }) => a.collection.localeCompare(b.collection);
    expect(result.data.nfts.map(({ standard, collection, tokens }) => ({ standard, collection, tokens })).sort(byCollection)).toEqual(expected.sort(byCollection));
    // The scenario's story holds: #2 and all of ids 2 and 3 left, id 4 came in; replaying the logs agrees with the chain.
    expect(new Set(truth.nfts.keys())).toEqual(new Set([s.nfts.critters, s.nfts.badges]));
    expect([...truth.nfts.get(s.nfts.critters)!.held.keys()]).toEqual([1n, 3n]);
    expect(truth.nfts.get(s.nfts.badges)!.held).toEqual(new Map([[1n, 6n], [4n, 2n]]));
    for (const c of truth.nfts.values()) expect(c.replayed).toEqual(c.held);
    for (const n of result.data.nfts) {
      const name = await rpc.readContract({ address: n.collection as Address, abi: ARTIFACTS.erc20.abi, functionName: 'name', blockNumber: s.endBlock });
      expect(n).toMatchObject({ name, valueUsd: null });
    }
    expect(result.data.nftScan).toEqual({ candidates: truth.nftCandidates, checked: truth.nftCandidates });
    expect(result.data.holdings.some((h) => h.token === s.nfts.critters || h.token === s.nfts.badges)).toBe(false);
    expect(result.findings.find((f) => f.title === '4 NFTs in 2 collections, unpriced')?.severity).toBe('info');
    expect(result.summary).toContain('and 4 NFTs in 2 collections unpriced');
  });

  it('allocates the priced total by holding', () => {
    const priced = result.data.holdings.filter((h) => h.valueUsd !== null);
    const total = priced.reduce((sum, h) => sum + h.valueUsd!, 0);
    close(result.data.totals.pricedUsd, total);
    expect(result.data.totals).toMatchObject({ pricedHoldings: priced.length, unpricedHoldings: result.data.holdings.length - priced.length });
    for (const h of priced) expect(Math.abs(h.allocationPercent! - (h.valueUsd! / total) * 100)).toBeLessThan(1e-4);
    const values = result.data.holdings.map((h) => h.valueUsd ?? -1);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });

  it('flags the honeypot the wallet cannot sell, and the mint functions in the tokens’ code', async () => {
    const sellable = async (token: Address, pair: Address) =>
      rpc.call({ account: s.wallet, to: token, data: encodeFunctionData({ abi: ARTIFACTS.erc20.abi, functionName: 'transfer', args: [pair, 1n] }), blockNumber: s.endBlock }).then(
        () => true,
        () => false,
      );
    expect(await sellable(s.tokens.honey, s.pairs.honeyWeth)).toBe(false);
    expect(await sellable(s.tokens.alpha, s.pairs.alphaWeth)).toBe(true);
    expect(holding(s.tokens.honey).risk).toMatchObject({ checked: true, honeypot: true, mintable: false, proxy: false });
    expect(holding(s.tokens.alpha).risk).toMatchObject({ checked: true, honeypot: false, proxy: false });
    for (const token of [s.tokens.alpha, s.tokens.beta, s.tokens.lost, s.tokens.honey]) {
      const code = (await rpc.getCode({ address: token, blockNumber: s.endBlock }))!;
      // mint(address,uint256) pushed as a selector by the dispatcher; no EIP-1967 implementation slot.
      expect(holding(token).risk.mintable).toBe(code.includes('6340c10f19'));
      expect(await rpc.getStorageAt({ address: token, slot: EIP1967_IMPLEMENTATION, blockNumber: s.endBlock })).toBe(`0x${'0'.repeat(64)}`);
    }
    expect(holding(s.tokens.lost).risk).toMatchObject({ honeypot: null, note: 'No pool at the listed factories: trading not simulated.' });
    expect(holding(s.core.weth).risk.checked).toBe(false);
    expect(result.findings[0]).toMatchObject({ severity: 'high', title: 'Holding a honeypot: HONEY' });
  });

  it('rebuilds average-cost basis and P&L from the wallet’s swaps, and says why it cannot for a gifted token', async () => {
    for (const token of [s.tokens.alpha, s.tokens.beta, s.tokens.honey]) {
      const basis = holding(token).costBasis;
      const expected = await truth.costBasis(token);
      expect(basis).toMatchObject({ available: true, method: 'average-cost', swaps: expected.swaps, bought: expected.bought.toString(), sold: expected.sold.toString() });
      if (!basis.available) throw new Error('unreachable');
      close(basis.costUsd, expected.cost);
      if (expected.realized !== 0) close(basis.realizedPnlUsd, expected.realized);
      else expect(basis.realizedPnlUsd).toBe(0);
      close(basis.unrealizedPnlUsd, holding(token).valueUsd! - expected.cost);
    }
    expect((await truth.costBasis(s.tokens.alpha)).sold).toBeGreaterThan(0n);
    expect(holding(s.tokens.lost).costBasis).toMatchObject({ available: false });
    expect(holding(s.pairs.alphaWeth).costBasis.available).toBe(false);
  });

  it('answers for a fresh address, and refuses a bad checksum', async () => {
    const fresh = privateKeyToAddress(keccak256(toHex('oca-test:portfolio:fresh')));
    const empty = await portfolio(fresh);
    expect(empty.data).toMatchObject({ holdings: [], totals: { pricedUsd: 0, pricedHoldings: 0, unpricedHoldings: 0, largestAllocationPercent: null } });
    expect(empty.findings).toEqual([]);
    // Every letter's case flipped: mixed case with a checksum that no longer holds.
    const bad = `0x${[...s.wallet.slice(2)].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')}`;
    await expect(portfolio(bad)).rejects.toBeInstanceOf(PermanentAgentError);
  });

  it('gives the same answer through each provider profile; round trips per analysis', async () => {
    // No test mines a block: `result` is still the direct answer at the head.
    const rows: string[] = [];
    for (const profile of Object.values(PROVIDER_PROFILES)) {
      const proxy = await startRpcProxy({ upstream: anvil.rpcUrl, profile });
      try {
        const started = Date.now();
        const through = await portfolio(s.wallet, proxy.url);
        rows.push(`| ${profile.name} | ${proxy.requests.length} | ${proxy.calls().length} | ${proxy.refusals.logs} | ${Date.now() - started} ms |`);
        expect(through.data).toEqual(result.data);
      } finally {
        await proxy.stop();
      }
    }
    console.log(['| profile | HTTP requests | JSON-RPC calls | getLogs refusals | wall time |', '|---|---|---|---|---|', ...rows].join('\n'));
  });
});
