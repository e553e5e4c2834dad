import { deployTokenScenario, SECURITY_TOKEN_KEYS, startAnvil, startRpcProxy, type AnvilInstance, type RpcProxy, type TokenScenario } from '@oca/testkit';
import { createPublicClient, http, parseAbiItem, toHex } from 'viem';
import { PROBE_ADDRESS } from '../../src/security/probe/security-probe';
import { analyseSecurity } from './analyse-security';
import { startLimitedLogsProxy } from './limited-logs-proxy';

jest.setTimeout(60_000);

const TRANSFER = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');

/** What a standard JSON-RPC node offers; no anvil_*, evm_*, debug_* or trace_* anywhere. */
const STANDARD_METHODS = new Set(['eth_blockNumber', 'eth_getCode', 'eth_getStorageAt', 'eth_call', 'eth_getLogs', 'eth_getTransactionByHash', 'eth_getTransactionReceipt', 'eth_getBlockReceipts']);

let anvil: AnvilInstance;
let scenario: TokenScenario;
let recorder: RpcProxy;

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployTokenScenario(anvil.rpcUrl);
  recorder = await startRpcProxy({ upstream: anvil.rpcUrl });
});

afterAll(async () => {
  await recorder?.stop();
  await anvil?.stop();
});

describe('round trips', () => {
  it('analyses each token in at most 5 HTTP round trips (6 when its pools include V3 position NFTs), every read pinned to one block, standard methods only', async () => {
    const rows: string[] = [];
    for (const key of SECURITY_TOKEN_KEYS) {
      const first = recorder.requests.length;
      const started = performance.now();
      const result = await analyseSecurity(recorder.url, scenario.tokens[key].address);
      const wallMs = performance.now() - started;
      const requests = recorder.requests.slice(first);
      const calls = requests.flatMap((r) => r.calls);
      rows.push(
        `${key.padEnd(15)} ${String(requests.length).padStart(3)} ${String(calls.length).padStart(6)}  ${wallMs.toFixed(0).padStart(5)} ms  ${requests.map((r) => r.calls.length).join('+')}`,
      );

      // V3 positions cost one more: the NFT ids come from the Mint transactions' receipts.
      const hasV3Nfts = result.data.liquidity.pools.some((p) => p.dex === 'uniswap-v3' && p.lpHolderCount !== null && p.lpHolderCount > 0);
      // A token without a constructor mint (WETH mints by Deposit) has its deployer found through its
      // creation block: a getCode search (2 rounds on this chain) and the block's receipts (1).
      const creationSearch = key === 'weth' ? 3 : 0;
      expect(requests.length).toBeLessThanOrEqual((hasV3Nfts ? 6 : 5) + creationSearch);
      expect(calls.filter((c) => !STANDARD_METHODS.has(c.method))).toEqual([]);
      const pinned = toHex(BigInt(result.blockNumber));
      const creationBlock = toHex(BigInt(result.data.contract.creator.block!));
      for (const call of calls) {
        // Transactions and receipts are named by hash, not by block.
        if (call.method === 'eth_blockNumber' || call.method === 'eth_getTransactionByHash' || call.method === 'eth_getTransactionReceipt') continue;
        // The creator search reads the creation block's receipts, and (without a constructor mint) code at earlier blocks.
        if (call.method === 'eth_getBlockReceipts') {
          expect(call.params[0]).toBe(creationBlock);
          continue;
        }
        if (creationSearch > 0 && call.method === 'eth_getCode' && call.params[1] !== pinned) continue;
        if (call.method === 'eth_getLogs') expect((call.params[0] as { toBlock: string }).toBlock).toBe(pinned);
        else expect({ method: call.method, block: call.params.find((p) => typeof p === 'string' && p.startsWith('0x') && p.length <= 18) }).toEqual({ method: call.method, block: pinned });
      }
      // The probe is injected by eth_call's state override (3rd param) at an address with no code.
      const probeCalls = calls.filter((c) => c.method === 'eth_call' && (c.params[0] as { to?: string }).to?.toLowerCase() === PROBE_ADDRESS.toLowerCase());
      expect(probeCalls.length).toBeGreaterThan(0);
      for (const call of probeCalls) expect(Object.keys(call.params[2] as object).map((a) => a.toLowerCase())).toEqual([PROBE_ADDRESS.toLowerCase()]);
    }
    console.log(`security agent on devnet: HTTP requests, JSON-RPC calls, wall time, calls per request\n${rows.join('\n')}`);
  });
});

describe('adaptive getLogs paging', () => {
  it('splits ranges a provider refuses and ends with the same answer', async () => {
    const limited = await startLimitedLogsProxy(anvil.rpcUrl, 16n);
    try {
      const token = scenario.tokens.stablecoin.address;
      const [direct, paged] = [await analyseSecurity(anvil.rpcUrl, token), await analyseSecurity(limited.url, token)];
      expect(limited.refused).toBeGreaterThan(0);
      expect(Math.max(...limited.spans.filter((s, i, all) => all.indexOf(s) === i && s <= 16n).map(Number))).toBeLessThanOrEqual(16);
      expect(paged.data.holders).toEqual(direct.data.holders);
      expect(paged.data.liquidity).toEqual(direct.data.liquidity);
    } finally {
      await limited.stop();
    }
  });

  it('reports holders as unknown, not a failed job, when the node refuses even one block of logs', async () => {
    // The clean token's first Transfer (its mint) is in a block the node will not return.
    const [mint] = await createPublicClient({ transport: http(anvil.rpcUrl) }).getLogs({ address: scenario.tokens.clean.address, event: TRANSFER, fromBlock: 0n });
    const refusing = await startLimitedLogsProxy(anvil.rpcUrl, 1_000_000n, mint!.blockNumber);
    try {
      const result = await analyseSecurity(refusing.url, scenario.tokens.clean.address);
      expect(refusing.refused).toBeGreaterThan(0);
      expect(result.data.holders).toBeNull();
      const finding = result.findings.find((f) => f.title === 'Holders not analysed');
      expect(finding).toMatchObject({ severity: 'info' });
      expect(JSON.stringify(finding)).toContain(`refuses the Transfer logs of block ${mint!.blockNumber}`);
    } finally {
      await refusing.stop();
    }
  });

  it('reports holders (and what depends on them) as unknown, with findings, when the history exceeds the scan budget', async () => {
    const limited = await startLimitedLogsProxy(anvil.rpcUrl, 1n);
    try {
      const result = await analyseSecurity(limited.url, scenario.tokens.clean.address);
      expect(result.data.holders).toBeNull();
      expect(result.findings).toContainEqual(expect.objectContaining({ severity: 'info', title: 'Holders not analysed' }));
      // Its pools are found through its holders (this devnet's factory is not a listed one), so
      // trading and liquidity are unknown too — said as such, not guessed.
      expect(result.data.trading.isHoneypot).toBeNull();
      expect(result.findings.find((f) => f.title === 'No DEX pool found')?.evidence).toMatch(/could not be read/);
      expect(result.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    } finally {
      await limited.stop();
    }
  });
});

describe('a node without eth_call state overrides', () => {
  it('fails the job as rpc_unsupported with a message that says what to do, not a generic agent error', async () => {
    // What geth-style nodes without overrides answer to a 3-parameter eth_call; a batch carrying
    // one is answered with that refusal for each of its calls.
    const refusing = await startRpcProxy({
      upstream: anvil.rpcUrl,
      intercept: (request) =>
        request.calls.some((c) => c.method === 'eth_call' && c.params.length > 2)
          ? { status: 200, body: request.batch ? request.calls.map((_, i) => ({ jsonrpc: '2.0', id: i, error: { code: -32602, message: 'too many arguments, want at most 2' } })) : { jsonrpc: '2.0', id: 0, error: { code: -32602, message: 'too many arguments, want at most 2' } } }
          : undefined,
    });
    try {
      await expect(analyseSecurity(refusing.url, scenario.tokens.clean.address)).rejects.toMatchObject({ code: 'rpc_unsupported', message: expect.stringMatching(/^Simulation not supported by this node/) });
    } finally {
      await refusing.stop();
    }
  });
});
