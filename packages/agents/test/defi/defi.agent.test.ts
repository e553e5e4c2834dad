import { ChainClients, EIP1967_SLOTS, slotToAddress } from '@oca/chain';
import { AAVE_ARTIFACTS, ARTIFACTS, deployDefiScenario, PROVIDER_PROFILES, startAnvil, startRpcProxy, type AnvilInstance, type DefiScenario, type ScenarioPool } from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, http, type Address, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import type { AgentContext } from '../../src';
import { defiAgent } from '../../src/defi/defi.agent';
import { lpHolders } from '../../src/defi/dex-pool';
import { DefiResult, type DefiParams } from '../../src/defi/defi-contract';
import { nativeUsd, readPool, relativeError } from '../expected-market';
import { apyPercent, lpBalances, readReserves, windowFromBlock } from './expected-defi';

jest.setTimeout(120_000);

const NOW = new Date('2026-01-02T03:04:05.000Z');
let anvil: AnvilInstance;
let s: DefiScenario;
let rpc: PublicClient;
const results = new Map<string, DefiResult>();

function ctx(url: string): AgentContext {
  return { chain: new ChainClients({ rpcUrls: { devnet: [url] } }), logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => NOW };
}

async function defi(address: Address, params: Partial<Omit<DefiParams, 'network' | 'address'>> = {}, url = anvil.rpcUrl): Promise<DefiResult> {
  const parsed = defiAgent.params.parse({ network: 'devnet', address, ...params });
  return DefiResult.parse(await defiAgent.run(parsed, ctx(url)));
}

beforeAll(async () => {
  anvil = await startAnvil();
  s = await deployDefiScenario(anvil.rpcUrl);
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: true }) });
  const m = s.market.pools;
  for (const [name, address, hours] of [
    ['aave', s.aave.pool, 24],
    ['v2', m.alphaWethV2.address, 24],
    ['v3', m.wethUsdV3.address, 24],
    ['vault', s.vault, 5],
  ] as const) {
    results.set(name, await defi(address, { windowHours: hours }));
  }
});

afterAll(async () => {
  await anvil?.stop();
});

const E = (n: number, expected: number, tolerance = 1e-9) => expect(relativeError(n, expected)).toBeLessThan(tolerance);
const pct6 = (part: bigint, whole: bigint) => Number((part * 100_000_000n) / whole) / 1_000_000;

/** USD per whole token as the agent's sources say: dUSD $1, WETH through its anchor pool, others through the named pool. */
async function usdPrice(token: Address, source: string, block: bigint): Promise<number> {
  if (token === s.market.core.usd) return expect(source).toBe('stablecoin'), 1;
  const weth = await nativeUsd(rpc, s.market, block);
  if (token === s.market.core.weth) return expect(source).toBe(`native anchor ${weth.pool.address}`), weth.price;
  const pool = Object.values(s.market.pools).find((p) => p.address === source)!;
  expect(pool.base).toBe(token);
  const reading = await readPool(rpc, s.market, pool, block);
  return reading.price * (pool.quote === s.market.core.usd ? 1 : weth.price);
}

describe('defi agent on Aave V3, Uniswap pools and an ERC-4626 vault (devnet)', () => {
  it('recognises each kind by its interface, and says what it probed when it is none', async () => {
    expect([...results.values()].map((r) => r.data.kind)).toEqual(['aave-v3-pool', 'uniswap-v2-pool', 'uniswap-v3-pool', 'erc4626-vault']);
    const unknown = await defi(s.aave.addressesProvider);
    expect(unknown.data).toMatchObject({ kind: 'unknown', tvl: null, pool: null, lending: null, vault: null, admin: [] });
    expect(unknown.data.probes.every((p) => !p.answered)).toBe(true);
    expect(unknown.findings.map((f) => f.title)).toEqual(['Not a recognised DeFi contract']);
    expect(unknown.summary).toContain('getReservesList()');
    const eoa = await defi(s.wethSupplier);
    expect(eoa.data.kind).toBe('unknown');
    await expect(defi(s.vault.toLowerCase().replace('0x', '0X') as Address)).rejects.toThrow();
  });

  it('reads every Aave reserve as the market’s own data provider and tokens report it', async () => {
    const r = results.get('aave')!;
    const block = BigInt(r.blockNumber);
    expect(r).toMatchObject({ agent: 'defi', target: s.aave.pool, blockNumber: s.endBlock.toString(), generatedAt: NOW.toISOString() });
    const truth = await readReserves(rpc, s, block);
    expect(r.data.lending!.reserves.map((x) => x.asset)).toEqual(truth.map((t) => t.asset));
    expect(r.data.lending!).toMatchObject({ addressesProvider: s.aave.addressesProvider, oracle: s.aave.oracle });
    for (const t of truth) {
      const got = r.data.lending!.reserves.find((x) => x.asset === t.asset)!;
      const [decimals, ltv, threshold, , reserveFactor, , borrowingEnabled, , active, frozen] = t.config;
      expect(got).toMatchObject({
        aToken: t.data.aTokenAddress,
        variableDebtToken: t.data.variableDebtTokenAddress,
        stableDebtToken: t.data.stableDebtTokenAddress,
        decimals: Number(decimals),
        supplied: t.supplied.toString(),
        borrowed: t.borrowed.toString(),
        available: (t.supplied - t.borrowed).toString(),
        utilizationPercent: pct6(t.borrowed, t.supplied),
        supplyCap: t.supplyCap.toString(),
        borrowCap: t.borrowCap.toString(),
        supplyCapUsedPercent: pct6(t.supplied, t.supplyCap * 10n ** decimals),
        borrowCapUsedPercent: pct6(t.borrowed, t.borrowCap * 10n ** decimals),
        ltvBps: Number(ltv),
        liquidationThresholdBps: Number(threshold),
        reserveFactorBps: Number(reserveFactor),
        borrowingEnabled,
        active,
        frozen,
        paused: t.paused,
        oracleSource: t.source,
        oraclePrice: t.answer.toString(),
      });
      E(got.supplyApyPercent, apyPercent(t.data.currentLiquidityRate));
      E(got.variableBorrowApyPercent, apyPercent(t.data.currentVariableBorrowRate));
      expect(got.supplyApyPercent).toBeGreaterThan(0);
    }
    // The scenario's loans, with interest accrued over the hours that passed.
    const usd = r.data.lending!.reserves.find((x) => x.asset === s.market.core.usd)!;
    expect(BigInt(usd.borrowed)).toBeGreaterThan(380_000n * 10n ** 6n);
    expect(s.aave.reserves.map((x) => x.priceSource)).toEqual(truth.map((t) => t.source));
  });

  it('counts lending TVL as supplied minus borrowed per reserve, valued through DEX prices', async () => {
    const r = results.get('aave')!;
    const block = BigInt(r.blockNumber);
    const truth = await readReserves(rpc, s, block);
    let total = 0;
    for (const t of truth) {
      const asset = r.data.tvl!.assets.find((a) => a.token === t.asset)!;
      const price = await usdPrice(t.asset, asset.priceSource!, block);
      const decimals = t.asset === s.market.core.usd ? 6 : 18;
      const usd = (Number(t.supplied - t.borrowed) / 10 ** decimals) * price;
      expect(asset.amount).toBe((t.supplied - t.borrowed).toString());
      E(asset.usd!, usd);
      E(Number(asset.priceUsd), price, 1e-12);
      total += usd;
    }
    E(r.data.tvl!.usd!, total);
    expect(r.data.tvl!.unpriced).toEqual([]);
  });

  it('flags the dUSD borrow cap at 95 %, names the oracle sources and the upgradeable proxies', async () => {
    const r = results.get('aave')!;
    const cap = r.findings.find((f) => f.title.startsWith('Borrow cap of dUSD'))!;
    expect(cap.severity).toBe('medium');
    expect(r.findings.filter((f) => f.title.startsWith('Borrow cap') || f.title.startsWith('Supply cap'))).toHaveLength(1);
    const sources = r.findings.find((f) => f.title === 'Oracle sources')!;
    for (const x of s.aave.reserves) expect(sources.evidence).toContain(x.priceSource);
    const block = BigInt(r.blockNumber);
    const slot = async (a: Address) => slotToAddress(await rpc.getStorageAt({ address: a, slot: EIP1967_SLOTS.implementation, blockNumber: block }));
    const pool = r.data.admin.find((a) => a.role === 'pool')!;
    expect(pool).toMatchObject({ contract: s.aave.pool, implementation: await slot(s.aave.pool), upgradeAdmin: s.aave.addressesProvider, owner: null, paused: null });
    expect(pool.implementation).toBe(s.aave.poolImplementation);
    const provider = r.data.admin.find((a) => a.role === 'addresses provider')!;
    const owner = await rpc.readContract({ address: s.aave.addressesProvider, abi: AAVE_ARTIFACTS.addressesProvider.abi, functionName: 'owner', blockNumber: block });
    expect(provider).toMatchObject({ owner, implementation: null });
    expect(r.data.admin.find((a) => a.role === 'pool configurator')).toMatchObject({ contract: s.aave.poolConfigurator, upgradeAdmin: s.aave.addressesProvider });
    expect(r.findings.filter((f) => f.title.startsWith('Upgradeable')).map((f) => f.title).sort()).toEqual(['Upgradeable pool', 'Upgradeable pool configurator']);
  });

  async function checkPool(r: DefiResult, pool: ScenarioPool, fee: number) {
    const block = BigInt(r.blockNumber);
    const p = r.data.pool!;
    expect(p).toMatchObject({ version: pool.kind, feeTier: fee, base: pool.base, quote: pool.quote });
    // TVL: what the pool holds, each token priced as the agent's source says.
    let tvl = 0;
    for (const asset of r.data.tvl!.assets) {
      const balance = (await rpc.readContract({ address: asset.token as Address, abi: ARTIFACTS.erc20.abi, functionName: 'balanceOf', args: [pool.address], blockNumber: block })) as bigint;
      const usd = (Number(balance) / 10 ** asset.decimals) * (await usdPrice(asset.token as Address, asset.priceSource!, block));
      expect(asset.amount).toBe(balance.toString());
      E(asset.usd!, usd);
      tvl += usd;
    }
    E(r.data.tvl!.usd!, tvl);
    // Swaps of the window: from the scenario's own record of what it mined.
    const fromTs = BigInt(r.data.window.blockTimestamp) - BigInt(r.data.window.hours) * 3600n;
    expect(r.data.window.fromBlock).toBe((await windowFromBlock(rpc, block, fromTs)).toString());
    const swaps = s.market.swaps.filter((x) => x.pool === pool.address && x.timestamp > fromTs);
    expect(p.swaps).toBe(swaps.length);
    expect(swaps.length).toBeGreaterThan(0);
    const quoteUsd = pool.quote === s.market.core.usd ? 1 : (await nativeUsd(rpc, s.market, block)).price;
    const volume = (Number(swaps.reduce((sum, x) => sum + x.quoteAmount, 0n)) / 10 ** (pool.quote === s.market.core.usd ? 6 : 18)) * quoteUsd;
    E(p.volumeUsd!, volume);
    E(p.feesUsd!, (volume * fee) / 1e6);
    E(p.feeApyPercent!, (((volume * fee) / 1e6) * (8760 / r.data.window.hours) * 100) / tvl);
    // Price over the window: state at the window's first block and now.
    const [then, now] = await Promise.all([readPool(rpc, s.market, pool, BigInt(r.data.window.fromBlock)), readPool(rpc, s.market, pool, block)]);
    E(Number(p.priceThen), then.price, 1e-12);
    E(Number(p.priceNow), now.price, 1e-12);
    E(p.priceChangePercent!, (now.price / then.price - 1) * 100, 1e-6);
    return { then: then.price, now: now.price };
  }

  it('values a V2 pool, its fee APY from the window’s swaps, impermanent loss and LP concentration', async () => {
    const r = results.get('v2')!;
    const pool = s.market.pools.alphaWethV2;
    const { then, now } = await checkPool(r, pool, 3000);
    const ratio = now / then;
    E(r.data.pool!.impermanentLossPercent!, ((2 * Math.sqrt(ratio)) / (1 + ratio) - 1) * 100, 1e-6);
    const holders = await lpBalances(rpc, pool.address, BigInt(r.blockNumber));
    const supply = (await rpc.readContract({ address: pool.address, abi: ARTIFACTS.uniswapV2Pair.abi, functionName: 'totalSupply', blockNumber: BigInt(r.blockNumber) })) as bigint;
    expect(r.data.pool!.lp).toEqual({
      holders: holders.length,
      top1Percent: pct6(holders[0]![1], supply),
      top5Percent: pct6(holders.slice(0, 5).reduce((sum, [, b]) => sum + b, 0n), supply),
      largest: holders[0]![0],
    });
    // The scenario's deployer provided all of the pool's liquidity.
    expect(holders.map(([a]) => a)).toEqual([s.market.deployer]);
    expect(r.findings.find((f) => f.title.startsWith('Concentrated liquidity'))).toMatchObject({ severity: 'high', title: `Concentrated liquidity: one LP holds ${r.data.pool!.lp!.top1Percent.toFixed(1)} %` });
    expect(r.data.pool!.lpUnavailable).toBeNull();
    expect(r.data.admin.map((a) => [a.role, a.owner, a.implementation])).toEqual([
      ['pool', null, null],
      ['factory', null, null],
    ]);
    // Past the scan budget (10-block pages, 2 requests) the LP book is left out, and why is said.
    const client = ctx(anvil.rpcUrl).chain.get('devnet');
    const capped = await lpHolders(client, pool.address, BigInt(r.blockNumber), new AbortController().signal, { maxRequests: 2, maxBlockRange: 10n });
    expect(capped).toMatchObject({ unavailable: expect.stringContaining('requests budget exceeded after') });
  });

  it('values a V3 pool and its fee APY at the pool’s fee tier; no IL or LP book for V3', async () => {
    const r = results.get('v3')!;
    await checkPool(r, s.market.pools.wethUsdV3, s.market.pools.wethUsdV3.fee!);
    expect(r.data.pool).toMatchObject({ impermanentLossPercent: null, lp: null, lpUnavailable: null });
  });

  it('measures the vault’s TVL and its share-price APY between the window’s ends', async () => {
    const r = results.get('vault')!;
    const block = BigInt(r.blockNumber);
    const read = (functionName: string, args: unknown[], blockNumber: bigint) => rpc.readContract({ address: s.vault, abi: s.vaultArtifact.abi, functionName, args, blockNumber }) as Promise<bigint>;
    const from = BigInt(r.data.window.fromBlock);
    expect(block).toBe(s.endBlock);
    expect(from).toBe(await windowFromBlock(rpc, block, s.endTimestamp - 5n * 3600n));
    const [assets, supply, now, then, fromBlock] = await Promise.all([read('totalAssets', [], block), read('totalSupply', [], block), read('convertToAssets', [10n ** 6n], block), read('convertToAssets', [10n ** 6n], from), rpc.getBlock({ blockNumber: from })]);
    const elapsed = Number(s.endTimestamp - fromBlock.timestamp);
    expect(r.data.vault).toEqual({
      asset: s.market.core.usd,
      assetSymbol: 'dUSD',
      assetDecimals: 6,
      shareDecimals: 6,
      totalAssets: assets.toString(),
      totalSupply: supply.toString(),
      sharePriceThen: then.toString(),
      sharePriceNow: now.toString(),
      fromBlock: from.toString(),
      elapsedSeconds: elapsed,
      apyPercent: expect.any(Number),
    });
    expect(now).toBeGreaterThan(then);
    E(r.data.vault!.apyPercent!, ((Number(now) / Number(then)) ** (31_536_000 / elapsed) - 1) * 100, 1e-6);
    E(r.data.tvl!.usd!, Number(assets) / 1e6);
    expect(r.data.admin).toEqual([{ contract: s.vault, role: 'vault', owner: s.vaultOwner, paused: false, implementation: null, upgradeAdmin: null }]);
    expect(r.findings.map((f) => f.title)).toEqual(['Owned vault', 'Pausable vault']);
    // Over 24 h the vault did not exist yet at the window's start: no APY, and it says so.
    const day = await defi(s.vault);
    expect(day.data.vault).toMatchObject({ sharePriceThen: null, apyPercent: null });
    expect(day.findings.map((f) => f.title)).toContain('No share-price history for the window');
  });

  it('gives the same answer through each provider profile; round trips per analysis', async () => {
    const rows: string[] = [];
    for (const [name, address, hours] of [
      ['Aave V3 pool (2 reserves)', s.aave.pool, 24],
      ['Uniswap V2 pool (ALPHA/WETH)', s.market.pools.alphaWethV2.address, 24],
      ['Uniswap V3 pool (WETH/dUSD)', s.market.pools.wethUsdV3.address, 24],
      ['ERC-4626 vault', s.vault, 5],
    ] as const) {
      const direct = await defi(address, { windowHours: hours });
      for (const profile of Object.values(PROVIDER_PROFILES)) {
        const proxy = await startRpcProxy({ upstream: anvil.rpcUrl, profile });
        try {
          const started = Date.now();
          const through = await defi(address, { windowHours: hours }, proxy.url);
          rows.push(`| ${profile.name} | ${name} | ${proxy.requests.length} | ${proxy.calls().length} | ${proxy.refusals.logs} | ${Date.now() - started} ms |`);
          expect(through.data).toEqual(direct.data);
        } finally {
          await proxy.stop();
        }
      }
    }
    console.log(['| profile | analysis | HTTP requests | JSON-RPC calls | getLogs refusals | wall time |', '|---|---|---|---|---|---|', ...rows].join('\n'));
  });
});
