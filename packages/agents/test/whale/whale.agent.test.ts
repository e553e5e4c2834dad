import { ADDRESS_LABELS, ChainClients, labelOf } from '@oca/chain';
import { ARTIFACTS, connectDeployer, deployWhaleScenario, PROVIDER_PROFILES, startAnvil, startExplorerApi, startRpcProxy, type AnvilInstance, type WhaleScenario } from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, getAddress, http, type Address, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { PermanentAgentError, type AgentContext } from '../../src';
import { whaleAgent } from '../../src/whale/whale.agent';
import { WhaleResult, type WhaleParams } from '../../src/whale/whale-contract';
import { BURN, flowOf, pairwiseGini, pct, readTruth, type Truth } from './expected-whale';

jest.setTimeout(90_000);

const NOW = new Date('2026-01-02T03:04:05.000Z');
let anvil: AnvilInstance;
let s: WhaleScenario;
let rpc: PublicClient;
let truth: Truth;
let result: WhaleResult;

function ctx(url: string): AgentContext {
  return { chain: new ChainClients({ rpcUrls: { devnet: [url] } }), logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => NOW };
}

async function whale(params: Partial<Omit<WhaleParams, 'network'>> = {}, url = anvil.rpcUrl): Promise<WhaleResult> {
  const parsed = whaleAgent.params.parse({ network: 'devnet', token: s.token, ...params });
  return WhaleResult.parse(await whaleAgent.run(parsed, ctx(url)));
}

beforeAll(async () => {
  anvil = await startAnvil();
  s = await deployWhaleScenario(anvil.rpcUrl);
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: true }) });
  truth = await readTruth(rpc, s);
  result = await whale();
});

afterAll(async () => {
  await anvil?.stop();
});

/** Wallets, as the published cohort rule has them: not a pool, exchange, burn address or any labelled address. */
const isWallet = (a: Address) => a !== s.pair && labelOf('devnet', a) === undefined;

describe('whale agent on the devnet whale scenario', () => {
  it('lists the top holders with balances, shares, labels and kinds read from the chain', () => {
    const { data } = result;
    expect(result).toMatchObject({ agent: 'whale', network: 'devnet', target: s.token, blockNumber: s.endBlock.toString(), generatedAt: NOW.toISOString() });
    expect(data.history).toEqual({ fromBlock: '0', complete: true, transfers: truth.transfers.length, holders: truth.holders.length });
    expect(data.topHolders.map((h) => [h.address, h.balance, h.percent])).toEqual(truth.holders.slice(0, 20).map((h) => [h.address, h.balance.toString(), pct(h.balance, truth.supply)]));
    const kindOf = (a: Address) =>
      BURN.has(a) ? 'burn' : a === s.pair ? 'pool' : a === s.exchange ? 'exchange' : truth.codeOf.get(a) ? 'contract' : 'eoa';
    expect(data.topHolders.map((h) => h.kind)).toEqual(truth.holders.slice(0, 20).map((h) => kindOf(h.address)));
    const exchange = data.topHolders.find((h) => h.address === s.exchange)!;
    expect(exchange).toMatchObject({ kind: 'exchange', label: 'OCA devnet exchange hot wallet' });
    expect(exchange.labelSource).toBe(ADDRESS_LABELS.devnet.find((l) => l.address === s.exchange)!.source);
    expect(data.topHolders.find((h) => h.address === s.pair)?.label).toBe('uniswap-v2 WHL/WETH pool');
  });

  it('measures concentration over circulating supply: top-10 share, Gini, holders for half', () => {
    const held = truth.holders.filter((h) => !BURN.has(h.address)).map((h) => h.balance);
    const top10 = held.slice(0, 10).reduce((a, b) => a + b, 0n);
    let half = 0;
    for (let sum = 0n; sum * 2n < truth.circulating; half++) sum += held[half]!;
    expect(result.data.concentration).toEqual({
      circulatingSupply: truth.circulating.toString(),
      top10Percent: pct(top10, truth.circulating),
      gini: pairwiseGini(held),
      holdersFor50Percent: half,
    });
    expect(result.findings.find((f) => f.title.startsWith('Concentrated supply'))?.severity).toBe('high');
  });

  it('prices the token through its WETH pool and finds the large transfers of the window', () => {
    const { data } = result;
    expect(data.pricePool).toBe(s.pair);
    expect(Math.abs(Number(data.priceUsd) / truth.priceUsd - 1)).toBeLessThan(1e-9);
    const from = truth.windowFrom(24);
    expect(data.window).toMatchObject({ hours: 24, fromBlock: from.toString(), blockTimestamp: Number(s.endTimestamp) });
    const large = truth.transfers.filter((t) => t.blockNumber >= from && (Number(t.value) / 1e18) * truth.priceUsd >= 10_000);
    expect(large.length).toBeGreaterThanOrEqual(2);
    expect(data.largeTransfers).toMatchObject({ basis: 'usd', minUsd: 10_000, count: large.length });
    expect(data.largeTransfers.items.map((t) => `${t.transactionHash}:${t.logIndex}`).sort()).toEqual(large.map((t) => `${t.transactionHash}:${t.logIndex}`).sort());
    for (const item of data.largeTransfers.items) expect(Math.abs(item.usd! / ((Number(item.amount) / 1e18) * truth.priceUsd) - 1)).toBeLessThan(1e-9);
    // Both whales' deposits reached the labelled exchange wallet.
    expect(data.largeTransfers.items.filter((t) => t.to === s.exchange).map((t) => t.from).sort()).toEqual([s.whales[0], s.whales[1]].sort());
  });

  it('sums each cohort’s flows in the window: exchanges took in what the whales deposited', () => {
    const window = truth.transfers.filter((t) => t.blockNumber >= truth.windowFrom(24));
    const top = new Set(truth.holders.filter((h) => isWallet(h.address)).slice(0, 10).map((h) => h.address as string));
    const check = (flow: { inflow: string; outflow: string; net: string; netPercent: number; members: number }, members: Set<string>) => {
      const e = flowOf(window, members);
      expect(flow).toMatchObject({ members: members.size, inflow: e.inflow.toString(), outflow: e.outflow.toString(), net: e.net.toString(), netPercent: pct(e.net, truth.circulating) });
    };
    check(result.data.cohorts.topHolders, top);
    check(result.data.cohorts.exchanges, new Set([s.exchange]));
    check(result.data.cohorts.pools, new Set([s.pair]));
    expect(BigInt(result.data.cohorts.exchanges.net)).toBe(110_000n * 10n ** 18n);
    expect(result.findings.find((f) => f.title.startsWith('Exchange inflow spike'))?.severity).toBe('medium');
  });

  it('reports the whales that left and the one that accumulated', () => {
    const window = truth.transfers.filter((t) => t.blockNumber >= truth.windowFrom(24));
    const now = new Map(truth.holders.map((h) => [h.address as string, h.balance]));
    const expected = [...new Set(window.flatMap((t) => [t.from, t.to]))]
      .filter((a) => isWallet(a) && !BURN.has(a))
      .map((a) => {
        const change = flowOf(window, new Set([a])).net;
        const after = now.get(a) ?? 0n;
        const before = after - change;
        return { a, change, before, after, peak: before > after ? before : after };
      })
      .filter((m) => m.change !== 0n && pct(m.peak, truth.circulating) >= 1 && Math.abs(pct(m.change, truth.circulating)) >= 0.5);
    expect(result.data.whaleMoves.map((m) => [m.address, m.balanceBefore, m.balanceNow, m.direction]).sort()).toEqual(
      expected.map((m) => [m.a, m.before.toString(), m.after.toString(), m.change > 0n ? 'accumulating' : 'distributing']).sort(),
    );
    const direction = (a: Address) => result.data.whaleMoves.find((m) => m.address === a)?.direction;
    expect([direction(s.whales[0]), direction(s.whales[1]), direction(s.whales[2])]).toEqual(['distributing', 'distributing', 'accumulating']);
  });

  it('clusters the insiders by their common first funder, and not the wallets an exchange or the router paid', async () => {
    const { funding } = result.data;
    expect(funding).toMatchObject({ available: true, source: 'trace_filter', reason: null });
    const insider = funding.clusters.filter((k) => k.insider);
    expect(insider).toHaveLength(1);
    expect(insider[0]!.funder).toBe(s.insiderFunder);
    expect(insider[0]!.members.map((m) => m.address).sort()).toEqual([...s.insiders].sort());
    for (const m of insider[0]!.members) {
      // The funding transaction is what the cluster says, and the member's balance is on chain.
      const tx = await rpc.getTransaction({ hash: m.fundedTx as `0x${string}` });
      expect([getAddress(tx.from), tx.to && getAddress(tx.to), tx.value.toString(), tx.blockNumber.toString()]).toEqual([s.insiderFunder, m.address, m.fundedWei, m.fundedBlock]);
      expect(m.balance).toBe(truth.holders.find((h) => h.address === m.address)!.balance.toString());
    }
    const combined = s.insiders.reduce((sum, a) => sum + (truth.holders.find((h) => h.address === a)?.balance ?? 0n), 0n);
    expect(insider[0]).toMatchObject({ combinedBalance: combined.toString(), combinedPercent: pct(combined, truth.supply) });
    const exchangePaid = funding.clusters.find((k) => k.funder === s.exchange)!;
    expect(exchangePaid).toMatchObject({ insider: false, funderLabel: 'OCA devnet exchange hot wallet' });
    expect(exchangePaid.members.map((m) => m.address).sort()).toEqual([s.whales[0], s.whales[1]].sort());
    expect(funding.clusters.find((k) => k.funder === s.core.uniswapV2Router)?.insider).toBe(false);
    expect(result.findings.filter((f) => f.title.startsWith('Insider cluster'))).toHaveLength(1);
  });

  it('follows its params: a shorter window, and every transfer large at minUsd 0', async () => {
    const six = await whale({ lookbackHours: 6, minUsd: 0 });
    const from = truth.windowFrom(6);
    const window = truth.transfers.filter((t) => t.blockNumber >= from);
    expect(six.data.window.fromBlock).toBe(from.toString());
    expect(six.data.largeTransfers.count).toBe(window.length);
    expect(six.findings.some((f) => f.title.startsWith('Exchange inflow spike'))).toBe(false);
    expect(six.data.whaleMoves.map((m) => m.address)).toEqual([s.insiders[0]]);
  });

  it('says funding data is unavailable on a node without trace_filter, and keeps every other figure', async () => {
    const proxy = await startRpcProxy({ upstream: anvil.rpcUrl, unsupportedMethods: ['trace_filter'] });
    try {
      const [noTraces, direct] = [await whale({}, proxy.url), await whale()];
      expect(noTraces.data.funding).toMatchObject({ available: false, source: null, analysed: 0, clusters: [] });
      expect(noTraces.data.funding.reason).toContain('does not offer trace_filter');
      expect(noTraces.findings.find((f) => f.title === 'Funding data unavailable')?.severity).toBe('info');
      expect({ ...noTraces.data, funding: null }).toEqual({ ...direct.data, funding: null });
    } finally {
      await proxy.stop();
    }
  });

  it('reads funding from an Etherscan-compatible API (local server on 127.0.0.1) on a node without trace_filter', async () => {
    const proxy = await startRpcProxy({ upstream: anvil.rpcUrl, unsupportedMethods: ['trace_filter'] });
    const explorer = await startExplorerApi({ rpcUrl: anvil.rpcUrl });
    try {
      const parsed = whaleAgent.params.parse({ network: 'devnet', token: s.token });
      const context = { ...ctx(proxy.url), chain: new ChainClients({ rpcUrls: { devnet: [proxy.url] }, explorers: { devnet: { baseUrl: explorer.url, allowPrivate: true } } }) };
      const [viaApi, direct] = [WhaleResult.parse(await whaleAgent.run(parsed, context)), await whale()];
      expect(viaApi.data.funding).toEqual({ ...direct.data.funding, source: 'explorer-api' });
      expect(explorer.requests.length).toBeGreaterThan(0);
    } finally {
      await explorer.stop();
      await proxy.stop();
    }
  });

  it('judges a token without a pool by share of supply, and says it has no USD price', async () => {
    const d = await connectDeployer(anvil.rpcUrl);
    const plain = await d.deploy(ARTIFACTS.erc20, ['Plain', 'PLN']);
    await d.write(plain, ARTIFACTS.erc20, 'mint', [s.whales[0], 900n * 10n ** 18n]);
    await d.write(plain, ARTIFACTS.erc20, 'mint', [s.whales[1], 100n * 10n ** 18n]);
    const r = await whale({ token: plain });
    expect(r.data).toMatchObject({ priceUsd: null, pricePool: null, concentration: { top10Percent: 100, holdersFor50Percent: 1, gini: 0.4 } });
    // Both mints are in the window, and each moved at least 0.1 % of supply.
    expect(r.data.largeTransfers).toMatchObject({ basis: 'supply', minUsd: null, count: 2 });
    expect(r.data.largeTransfers.items.every((t) => t.usd === null)).toBe(true);
    expect(r.findings.map((f) => f.title)).toContain('No USD price');
    expect(r.data.topHolders.map((h) => [h.address, h.kind])).toEqual([
      [s.whales[0], 'eoa'],
      [s.whales[1], 'eoa'],
    ]);
  });

  it('refuses what is not an ERC-20 and mixed-case addresses with a bad checksum', async () => {
    await expect(whale({ token: s.exchange })).rejects.toMatchObject({ code: 'invalid_params', field: 'token' });
    const bad = s.token.slice(0, 2) + s.token.slice(2, 6).toUpperCase() + s.token.slice(6).toLowerCase();
    if (bad !== s.token) await expect(whale({ token: bad })).rejects.toBeInstanceOf(PermanentAgentError);
  });

  it('gives the same answer through each provider profile; round trips per analysis', async () => {
    // A fresh direct analysis: earlier tests may have added blocks since `result`.
    const direct = await whale();
    const rows: string[] = [];
    for (const profile of Object.values(PROVIDER_PROFILES)) {
      const proxy = await startRpcProxy({ upstream: anvil.rpcUrl, profile });
      try {
        const started = Date.now();
        const through = await whale({}, proxy.url);
        rows.push(`| ${profile.name} | ${proxy.requests.length} | ${proxy.calls().length} | ${proxy.refusals.logs} | ${Date.now() - started} ms |`);
        expect(through.data).toEqual(direct.data);
      } finally {
        await proxy.stop();
      }
    }
    console.log(['| profile | HTTP requests | JSON-RPC calls | getLogs refusals | wall time |', '|---|---|---|---|---|', ...rows].join('\n'));
  });
});
