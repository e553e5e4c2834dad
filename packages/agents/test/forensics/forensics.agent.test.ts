/**
 * The forensics agent on the devnet forensics scenario (packages/testkit/src/forensics): every
 * figure is compared with the chain read another way (`expected-forensics.ts`: callTracer and raw
 * logs). Native history comes from anvil's trace_filter, from a local Etherscan-compatible API
 * server on 127.0.0.1 (`startExplorerApi`: the documented txlist/txlistinternal format, answered
 * from this chain) behind a node without trace_filter, and from neither.
 */
import { ChainClients, labelOf, type ExplorerApiHistoryOptions } from '@oca/chain';
import { deployForensicsScenario, FORENSICS_AMOUNTS, PROVIDER_PROFILES, startAnvil, startExplorerApi, startRpcProxy, type AnvilInstance, type ForensicsScenario } from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, encodeFunctionData, erc20Abi, http, type Address, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import type { AgentContext } from '../../src';
import { forensicsAgent } from '../../src/forensics/forensics.agent';
import { ForensicsResult, type ForensicsParams } from '../../src/forensics/forensics-contract';
import { firstFunding, readChainTruth, type ChainTruth } from './expected-forensics';

jest.setTimeout(120_000);

const NOW = new Date('2026-01-02T03:04:05.000Z');
let anvil: AnvilInstance;
let s: ForensicsScenario;
let rpc: PublicClient;
let truth: ChainTruth;
let result: ForensicsResult;

function ctx(url: string, explorer?: ExplorerApiHistoryOptions): AgentContext {
  return {
    chain: new ChainClients({ rpcUrls: { devnet: [url] }, explorers: explorer ? { devnet: explorer } : undefined }),
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    now: () => NOW,
  };
}

async function forensics(params: Partial<Omit<ForensicsParams, 'network'>> = {}, context = ctx(anvil.rpcUrl)): Promise<ForensicsResult> {
  const parsed = forensicsAgent.params.parse({ network: 'devnet', address: s.subject, ...params });
  return ForensicsResult.parse(await forensicsAgent.run(parsed, context));
}

beforeAll(async () => {
  anvil = await startAnvil();
  s = await deployForensicsScenario(anvil.rpcUrl);
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl, { batch: true }) });
  truth = await readChainTruth(rpc, s.endBlock);
  result = await forensics();
});

afterAll(async () => {
  await anvil?.stop();
});

/** Native tallies of `a`'s counterparties from the truth's moves. */
function nativeTallies(a: Address) {
  const byParty = new Map<Address, { sentCount: number; sent: bigint; receivedCount: number; received: bigint }>();
  const at = (p: Address) => byParty.get(p) ?? byParty.set(p, { sentCount: 0, sent: 0n, receivedCount: 0, received: 0n }).get(p)!;
  for (const m of truth.moves) {
    if (m.from === a && m.to !== a) Object.assign(at(m.to), { sentCount: at(m.to).sentCount + 1, sent: at(m.to).sent + m.value });
    if (m.to === a && m.from !== a) Object.assign(at(m.from), { receivedCount: at(m.from).receivedCount + 1, received: at(m.from).received + m.value });
  }
  return byParty;
}

describe('forensics agent on the devnet forensics scenario', () => {
  it('traces the funding back two hops to the labelled mixer, with amounts, times and the path', async () => {
    expect(result).toMatchObject({ agent: 'forensics', network: 'devnet', target: s.subject, blockNumber: s.endBlock.toString(), generatedAt: NOW.toISOString() });
    const { funding, sources } = result.data;
    expect(sources.nativeHistory).toEqual({ available: true, source: 'trace_filter', reason: null });
    const first = firstFunding(truth, s.subject)!;
    const second = firstFunding(truth, first.from)!;
    expect([first.from, second.from]).toEqual([s.layer, s.mixer]);
    expect(funding.hops.map((h) => [h.hop, h.funded, h.funder, h.value, h.blockNumber, h.timestamp, h.transactionHash, h.internal, h.path])).toEqual([
      [1, s.subject, first.from, first.value.toString(), first.blockNumber.toString(), Number(truth.timestamps.get(first.blockNumber)), first.hash, first.internal, [s.subject, first.from]],
      [2, first.from, second.from, second.value.toString(), second.blockNumber.toString(), Number(truth.timestamps.get(second.blockNumber)), second.hash, second.internal, [s.subject, first.from, second.from]],
    ]);
    expect(funding.hops[1]).toMatchObject({ funderKind: 'mixer', funderLabel: labelOf('devnet', s.mixer)!.name, internal: true });
    expect(funding.stoppedBecause).toContain('labelled');
    expect(result.data.flagged).toEqual([
      { address: s.mixer, label: labelOf('devnet', s.mixer)!.name, kind: 'mixer', hop: 2, path: [s.subject, s.layer, s.mixer], via: 'funding', labelSource: 'testkit scenario' },
    ]);
    expect(result.findings.find((f) => f.title === 'Mixer interaction at hop 2')?.severity).toBe('high');
  });

  it('ranks native counterparties by value and counts ERC-20 counterparties from the logs', () => {
    const tallies = nativeTallies(s.subject);
    const expected = [...tallies]
      .sort(([a, x], [b, y]) => Number(y.sent + y.received - (x.sent + x.received)) || y.sentCount + y.receivedCount - (x.sentCount + x.receivedCount) || a.localeCompare(b))
      .map(([a, t]) => [a, t.sentCount, t.sent.toString(), t.receivedCount, t.received.toString()]);
    expect(result.data.counterparties.native.map((c) => [c.address, c.sentCount, c.sent, c.receivedCount, c.received])).toEqual(expected);
    expect(result.data.counterparties.native.find((c) => c.address === s.core.uniswapV2Router)?.kind).toBe('dex-router');
    const mine = truth.tokenMoves.filter((m) => (m.from === s.subject) !== (m.to === s.subject));
    const pairs = new Map<string, { sentCount: number; sent: bigint; receivedCount: number; received: bigint }>();
    for (const m of mine) {
      const sent = m.from === s.subject;
      const key = `${m.token}:${sent ? m.to : m.from}`;
      const t = pairs.get(key) ?? { sentCount: 0, sent: 0n, receivedCount: 0, received: 0n };
      if (sent) [t.sentCount, t.sent] = [t.sentCount + 1, t.sent + m.amount];
      else [t.receivedCount, t.received] = [t.receivedCount + 1, t.received + m.amount];
      pairs.set(key, t);
    }
    expect(Object.fromEntries(result.data.counterparties.tokens.map((c) => [`${c.token}:${c.address}`, [c.sentCount, c.sent, c.receivedCount, c.received]]))).toEqual(
      Object.fromEntries([...pairs].map(([k, t]) => [k, [t.sentCount, t.sent.toString(), t.receivedCount, t.received.toString()]])),
    );
    expect(pairs.get(`${s.honeypot}:${s.keeper}`)?.sent).toBe(FORENSICS_AMOUNTS.honeyToKeeper);
  });

  it('counts ERC-721 and ERC-1155 counterparties from the logs (by count: no USD value)', () => {
    const mine = truth.nftMoves.filter((m) => (m.from === s.subject) !== (m.to === s.subject));
    const pairs = new Map<string, { standard: string; sentCount: number; sentUnits: bigint; receivedCount: number; receivedUnits: bigint; ids: Set<bigint> }>();
    for (const m of mine) {
      const sent = m.from === s.subject;
      const key = `${m.collection}:${sent ? m.to : m.from}`;
      const t = pairs.get(key) ?? { standard: m.standard, sentCount: 0, sentUnits: 0n, receivedCount: 0, receivedUnits: 0n, ids: new Set<bigint>() };
      t.ids.add(m.tokenId);
      if (sent) [t.sentCount, t.sentUnits] = [t.sentCount + 1, t.sentUnits + m.amount];
      else [t.receivedCount, t.receivedUnits] = [t.receivedCount + 1, t.receivedUnits + m.amount];
      pairs.set(key, t);
    }
    const nfts = result.data.counterparties.nfts;
    expect(Object.fromEntries(nfts.map((c) => [`${c.collection}:${c.address}`, [c.standard, c.sentCount, c.sentUnits, c.receivedCount, c.receivedUnits, c.tokenIds]]))).toEqual(
      Object.fromEntries([...pairs].map(([k, t]) => [k, [t.standard, t.sentCount, t.sentUnits.toString(), t.receivedCount, t.receivedUnits.toString(), t.ids.size]])),
    );
    const counts = nfts.map((c) => c.sentCount + c.receivedCount);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    // The scenario's story: ERC-721 #1 to the keeper, a two-id ERC-1155 batch to the first customer, mints from the zero address.
    expect(pairs.get(`${s.nfts.critters}:${s.keeper}`)).toMatchObject({ standard: 'erc721', sentCount: 1, receivedCount: 0 });
    expect(pairs.get(`${s.nfts.badges}:${s.customers[0]}`)).toMatchObject({ standard: 'erc1155', sentCount: 2, sentUnits: 3n });
    expect(result.summary).toContain(`${new Set(nfts.map((c) => c.address)).size} NFT counterparties`);
  });

  it('lists the contracts it deployed; the security agent calls the first a honeypot, which a sell from a holder confirms', async () => {
    const created = truth.creations.filter((c) => c.creator === s.subject);
    expect(result.data.deployed.map((d) => [d.address, d.blockNumber, d.transactionHash])).toEqual(created.map((c) => [c.contract, c.blockNumber.toString(), c.hash]));
    expect(created.map((c) => c.contract)).toEqual([s.honeypot, s.secondToken]);
    // Independent honeypot check: the keeper (not the owner) cannot sell into the pair.
    const sell = rpc.call({ account: s.keeper, to: s.honeypot, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [s.honeypotPair, 1n] }) });
    await expect(sell).rejects.toThrow(/sell disabled/);
    const honeypot = result.data.deployed[0]!.security!;
    expect(honeypot).toMatchObject({ analysed: true, isHoneypot: true });
    expect(['DANGER', 'CRITICAL']).toContain(honeypot.verdict);
    expect(result.data.deployed[1]!.security?.isHoneypot).not.toBe(true);
    const finding = result.findings.find((f) => f.title === 'Deployer of a honeypot')!;
    expect(finding.severity).toBe('high');
    expect(finding.evidence).toContain(`same creator: ${s.secondToken}`);
  });

  it('finds the exchange deposit address by its forwarding pattern, and not the keeper', () => {
    const into = truth.moves.filter((m) => m.to === s.depositAddress);
    const out = truth.moves.filter((m) => m.from === s.depositAddress);
    expect(new Set(out.map((m) => m.to))).toEqual(new Set([s.exchange]));
    const sum = (ms: typeof into) => ms.reduce((a, m) => a + m.value, 0n).toString();
    expect(result.data.depositAddresses).toEqual([
      {
        address: s.depositAddress,
        exchange: s.exchange,
        exchangeLabel: labelOf('devnet', s.exchange)!.name,
        senders: new Set(into.map((m) => m.from)).size,
        received: sum(into),
        forwarded: sum(out),
        paidBySubject: sum(into.filter((m) => m.from === s.subject)),
      },
    ]);
  });

  it('gives fresh-wallet and single-use signals from the first funding and the nonce, and a risk level with reasons', async () => {
    const nonce = await rpc.getTransactionCount({ address: s.subject, blockNumber: s.endBlock });
    const first = firstFunding(truth, s.subject)!;
    const age = Number(truth.timestamps.get(s.endBlock)! - truth.timestamps.get(first.blockNumber)!);
    expect(result.data.transactionCount).toBe(nonce);
    expect(result.data.signals).toEqual({ ageSeconds: age, freshWallet: age < 7 * 24 * 3600, singleUse: nonce <= 2 && nativeTallies(s.subject).size <= 2 });
    expect(result.data.signals).toMatchObject({ freshWallet: true, singleUse: false });
    expect(result.data.risk.level).toBe('high');
    expect(result.data.risk.reasons.some((r) => r.startsWith('Mixer address'))).toBe(true);
    expect(result.data.risk.reasons.some((r) => r.includes('(honeypot)'))).toBe(true);
    expect(result.summary).toContain('Risk high.');
  });

  it('follows depth: one hop stops before the mixer; the pass-through wallet meets the mixer at hop 1', async () => {
    const one = await forensics({ depth: 1 });
    expect(one.data.funding.hops.map((h) => h.funder)).toEqual([s.layer]);
    expect(one.data.flagged).toEqual([]);
    const layer = await forensics({ address: s.layer, depth: 1 });
    const nonce = await rpc.getTransactionCount({ address: s.layer });
    expect(layer.data.funding.hops[0]).toMatchObject({ funder: s.mixer, internal: true, path: [s.layer, s.mixer] });
    expect(layer.data.flagged.map((f) => [f.hop, f.via, f.address])).toEqual([
      [1, 'funding', s.mixer],
      [0, 'received', s.mixer],
    ]);
    expect(layer.data.signals.singleUse).toBe(nonce <= 2 && nativeTallies(s.layer).size <= 2);
    expect(layer.data.signals.singleUse).toBe(true);
    expect(layer.data.deployed).toEqual([]);
  });

  it('on a node without trace_filter reads the explorer API (paged, rate-limited, keyed) and gives the same answer', async () => {
    const proxy = await startRpcProxy({ upstream: anvil.rpcUrl, unsupportedMethods: ['trace_filter'] });
    const api = await startExplorerApi({ rpcUrl: anvil.rpcUrl, apiKey: 'test-key-0123456789', rateLimitEvery: 9 });
    try {
      const explorer = { baseUrl: api.url, apiKey: 'test-key-0123456789', allowPrivate: true, pageSize: 4, rateLimitDelayMs: 10 };
      const viaApi = await forensics({}, ctx(proxy.url, explorer));
      const direct = await forensics();
      expect(viaApi.data.sources.nativeHistory).toEqual({ available: true, source: 'explorer-api', reason: null });
      expect({ ...viaApi.data, sources: null }).toEqual({ ...direct.data, sources: null });
      expect(api.rateLimited).toBeGreaterThan(0);
      expect(api.requests.some((r) => Number(r.page) > 1)).toBe(true);
      expect(api.requests.every((r) => !('apikey' in r))).toBe(true);
      console.log(`explorer API: ${api.requests.length} HTTP requests (${api.rateLimited} rate-limited) for one analysis at depth 2, page size 4; RPC: ${proxy.requests.length} HTTP requests`);
      // A wrong key is an answer the result states, not a crash.
      const refused = await forensics({}, ctx(proxy.url, { ...explorer, apiKey: 'wrong' }));
      expect(refused.data.sources.nativeHistory).toMatchObject({ available: false });
      expect(refused.data.sources.nativeHistory.reason).toContain('Invalid API Key');
    } finally {
      await api.stop();
      await proxy.stop();
    }
  });

  it('says funding data is unavailable with neither source, and keeps the token and NFT counterparties', async () => {
    const proxy = await startRpcProxy({ upstream: anvil.rpcUrl, unsupportedMethods: ['trace_filter'] });
    try {
      const none = await forensics({}, ctx(proxy.url));
      expect(none.data.sources.nativeHistory).toMatchObject({ available: false, source: null });
      expect(none.data.sources.nativeHistory.reason).toContain('no Etherscan-compatible API is configured');
      expect(none.data).toMatchObject({ funding: { hops: [] }, deployed: [], depositAddresses: [], signals: { freshWallet: null, singleUse: null } });
      expect(none.data.counterparties.tokens).toEqual(result.data.counterparties.tokens);
      expect(none.data.counterparties.nfts).toEqual(result.data.counterparties.nfts);
      expect(none.findings.find((f) => f.title === 'Funding data unavailable')?.severity).toBe('info');
    } finally {
      await proxy.stop();
    }
  });

  it('refuses a depth outside 1..5 and a bad checksum', async () => {
    expect(() => forensicsAgent.params.parse({ network: 'devnet', address: s.subject, depth: 0 })).toThrow();
    expect(() => forensicsAgent.params.parse({ network: 'devnet', address: s.subject, depth: 6 })).toThrow();
    const bad = s.subject.slice(0, 2) + s.subject.slice(2, 6).toUpperCase() + s.subject.slice(6).toLowerCase();
    if (bad !== s.subject) await expect(forensics({ address: bad as Address })).rejects.toMatchObject({ code: 'invalid_params' });
  });

  it('gives the same answer through each provider profile; round trips per analysis', async () => {
    const direct = await forensics();
    const rows: string[] = [];
    for (const profile of Object.values(PROVIDER_PROFILES)) {
      const proxy = await startRpcProxy({ upstream: anvil.rpcUrl, profile });
      try {
        const started = Date.now();
        const through = await forensics({}, ctx(proxy.url));
        rows.push(`| ${profile.name} | ${proxy.requests.length} | ${proxy.calls().length} | ${proxy.refusals.logs} | ${Date.now() - started} ms |`);
        expect(through.data).toEqual(direct.data);
      } finally {
        await proxy.stop();
      }
    }
    console.log(['| profile | HTTP requests | JSON-RPC calls | getLogs refusals | wall time |', '|---|---|---|---|---|', ...rows].join('\n'));
  });
});
