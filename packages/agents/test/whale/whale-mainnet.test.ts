import { ChainClients, labelOf } from '@oca/chain';
import { deployWhaleScenario, PROVIDER_PROFILES, startMainnetShapedAnvil, startRpcProxy, type MainnetShapedAnvil, type WhaleScenario } from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, http, type Address, type PublicClient } from 'viem';
import { mainnet } from 'viem/chains';
import type { AgentContext } from '../../src';
import { whaleAgent } from '../../src/whale/whale.agent';
import { WhaleResult } from '../../src/whale/whale-contract';
import { BURN, flowOf, pct, readTruth, type Truth } from './expected-whale';

// The whale scenario on a chain shaped like mainnet — history from block 18,000,000, chain id 1,
// Multicall3 present — directly and behind each provider profile's limits. On the devnet every
// scan starts at block 0; here the agent must start at the token's creation block.
jest.setTimeout(120_000);

const NOW = new Date('2026-01-02T03:04:05.000Z');
let chain: MainnetShapedAnvil;
let s: WhaleScenario;
let rpc: PublicClient;
let truth: Truth;
let direct: WhaleResult;

async function whale(url: string): Promise<WhaleResult> {
  const ctx: AgentContext = { chain: new ChainClients({ rpcUrls: { devnet: [url] } }), logger: pino({ level: 'silent' }), signal: new AbortController().signal, now: () => NOW };
  return WhaleResult.parse(await whaleAgent.run(whaleAgent.params.parse({ network: 'devnet', token: s.token }), ctx));
}

beforeAll(async () => {
  chain = await startMainnetShapedAnvil();
  s = await deployWhaleScenario(chain.rpcUrl);
  rpc = createPublicClient({ chain: { ...mainnet, contracts: undefined }, transport: http(chain.rpcUrl, { batch: true }) }) as PublicClient;
  truth = await readTruth(rpc, s, chain.firstBlock);
  direct = await whale(chain.rpcUrl);
});

afterAll(async () => {
  await chain?.stop();
});

/** The token's creation block, by bisecting eth_getCode between the chain's first block and the end. */
async function creationBlock(): Promise<bigint> {
  let [lo, hi] = [chain.firstBlock, s.endBlock];
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    if (((await rpc.getCode({ address: s.token, blockNumber: mid })) ?? '0x') !== '0x') hi = mid;
    else lo = mid + 1n;
  }
  return lo;
}

it('reads the token’s history from its creation block, and every figure matches the chain', async () => {
  const { data } = direct;
  const created = await creationBlock();
  expect(created).toBeGreaterThan(chain.firstBlock);
  expect(data.history).toEqual({ fromBlock: created.toString(), complete: true, transfers: truth.transfers.length, holders: truth.holders.length });
  expect(data.topHolders.map((h) => [h.address, h.balance, h.percent])).toEqual(truth.holders.slice(0, 20).map((h) => [h.address, h.balance.toString(), pct(h.balance, truth.supply)]));
  const held = truth.holders.filter((h) => !BURN.has(h.address)).map((h) => h.balance);
  expect(data.concentration.circulatingSupply).toBe(truth.circulating.toString());
  expect(data.concentration.top10Percent).toBe(pct(held.slice(0, 10).reduce((a, b) => a + b, 0n), truth.circulating));
  expect(Math.abs(Number(data.priceUsd) / truth.priceUsd - 1)).toBeLessThan(1e-9);
  const from = truth.windowFrom(24);
  expect(data.window.fromBlock).toBe(from.toString());
  const large = truth.transfers.filter((t) => t.blockNumber >= from && (Number(t.value) / 1e18) * truth.priceUsd >= 10_000);
  expect(data.largeTransfers.items.map((t) => `${t.transactionHash}:${t.logIndex}`).sort()).toEqual(large.map((t) => `${t.transactionHash}:${t.logIndex}`).sort());
  const exchangeFlow = flowOf(
    truth.transfers.filter((t) => t.blockNumber >= from),
    new Set([s.exchange]),
  );
  expect(data.cohorts.exchanges.net).toBe(exchangeFlow.net.toString());
});

it('looks up first funders over the token’s lifetime: wallets older than the token are counted, the insiders clustered', async () => {
  const { funding } = direct.data;
  const created = await creationBlock();
  // The agent's candidates: the 25 largest holders that are EOAs without a label (not the pool, not burn).
  const candidates = truth.holders.filter((h) => h.address !== s.pair && !BURN.has(h.address) && labelOf('devnet', h.address) === undefined && !truth.codeOf.get(h.address)).slice(0, 25);
  const older: Address[] = [];
  for (const { address } of candidates) {
    const [balance, nonce] = await Promise.all([rpc.getBalance({ address, blockNumber: created - 1n }), rpc.getTransactionCount({ address, blockNumber: created - 1n })]);
    if (balance > 0n || nonce > 0) older.push(address);
  }
  // Retail wallets got their ETH before the token existed; the insiders were funded after launch.
  expect(older.length).toBeGreaterThan(0);
  expect(older.some((a) => s.insiders.includes(a))).toBe(false);
  expect(funding).toMatchObject({ available: true, source: 'trace_filter', reason: null, fromBlock: created.toString(), analysed: candidates.length - older.length, olderWallets: older.length });
  const insider = funding.clusters.filter((k) => k.insider);
  expect(insider.map((k) => [k.funder, k.members.map((m) => m.address).sort()])).toEqual([[s.insiderFunder, [...s.insiders].sort()]]);
  for (const m of insider[0]!.members) {
    const tx = await rpc.getTransaction({ hash: m.fundedTx as `0x${string}` });
    expect([tx.from.toLowerCase(), tx.to?.toLowerCase(), tx.value.toString(), tx.blockNumber.toString()]).toEqual([s.insiderFunder.toLowerCase(), m.address.toLowerCase(), m.fundedWei, m.fundedBlock]);
  }
  expect(direct.findings.find((f) => f.title === 'Some holders predate the token')?.evidence).toContain(`${older.length} of the largest`);
});

it('gives the same answer behind each provider profile; round trips per analysis', async () => {
  const rows: string[] = [];
  for (const profile of Object.values(PROVIDER_PROFILES)) {
    const proxy = await startRpcProxy({ upstream: chain.rpcUrl, profile });
    try {
      const started = Date.now();
      const through = await whale(proxy.url);
      rows.push(`| ${profile.name} | ${proxy.requests.length} | ${proxy.calls().length} | ${proxy.refusals.logs} | ${Date.now() - started} ms |`);
      expect(through.data).toEqual(direct.data);
    } finally {
      await proxy.stop();
    }
  }
  console.log(['whale agent on the 18 M-block chain', '| profile | HTTP requests | JSON-RPC calls | getLogs refusals | wall time |', '|---|---|---|---|---|', ...rows].join('\n'));
});
