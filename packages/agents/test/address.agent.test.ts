import { ChainClients } from '@oca/chain';
import { AddressResult, type AddressParams } from '@oca/contracts';
import {
  DEMO_NFT,
  DEMO_TOKEN,
  deployScenario,
  EOA_BALANCE_WEI,
  PROXIED_TOKEN,
  startAnvil,
  startRpcProxy,
  type AnvilInstance,
  type Scenario,
} from '@oca/testkit';
import pino from 'pino';
import { createPublicClient, createTestClient, http, keccak256, toHex, type Address, type PublicClient, type TestClient } from 'viem';
import { foundry } from 'viem/chains';
import { addressAgent, PermanentAgentError, type AgentContext } from '../src';

// The root jest.config.js sets testTimeout per project, which jest 30 does not apply to tests
// (they get the 5 s default); anvil start-up on a loaded 2-core runner needs more headroom.
jest.setTimeout(30_000);

const NOW = new Date('2025-01-02T03:04:05.000Z');

let anvil: AnvilInstance;
let scenario: Scenario;
let chain: ChainClients;
/** Independent reads to compare the agent against. */
let rpc: PublicClient;
/** anvil cheat codes, for states the scenario does not deploy. */
let cheats: TestClient;

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployScenario(anvil.rpcUrl);
  chain = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } });
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
  cheats = createTestClient({ chain: foundry, mode: 'anvil', transport: http(anvil.rpcUrl) });
});

afterAll(async () => {
  await anvil?.stop();
});

function ctx(signal: AbortSignal = new AbortController().signal): AgentContext {
  return { chain, logger: pino({ level: 'silent' }), signal, now: () => NOW };
}

async function analyse(address: string): Promise<AddressResult> {
  const params: AddressParams = addressAgent.params.parse({ network: 'devnet', address });
  const result = await addressAgent.run(params, ctx());
  // Every result must satisfy the published schema, not just the TypeScript type.
  return AddressResult.parse(result);
}

describe('address agent on a real anvil devnet', () => {
  it('reports a plain EOA: kind, exact balance, nonce, no code', async () => {
    const result = await analyse(scenario.eoa.toLowerCase());
    expect(result).toMatchObject({
      agent: 'address',
      network: 'devnet',
      target: scenario.eoa,
      blockNumber: scenario.blockNumber,
      generatedAt: NOW.toISOString(),
    });
    expect(result.data).toEqual({
      kind: 'eoa',
      balanceWei: EOA_BALANCE_WEI.toString(),
      balance: '1.5',
      nonce: 0,
      codeSize: 0,
      codeHash: null,
      token: null,
      proxy: null,
    });
    expect(result.findings).toEqual([expect.objectContaining({ severity: 'info', title: 'Externally owned account' })]);
    expect(result.summary).toBe(`${scenario.eoa} on devnet is an externally owned account, holding 1.5 ETH at block ${scenario.blockNumber}.`);
  });

  it('reports the deployer EOA with the nonce and balance the node has at that block', async () => {
    const result = await analyse(scenario.deployer);
    const block = BigInt(result.blockNumber);
    expect(result.data.kind).toBe('eoa');
    expect(result.data.nonce).toBe(await rpc.getTransactionCount({ address: scenario.deployer, blockNumber: block }));
    expect(result.data.nonce).toBeGreaterThan(10);
    expect(result.data.balanceWei).toBe((await rpc.getBalance({ address: scenario.deployer, blockNumber: block })).toString());
  });

  it('reads the ERC-20 exactly as deployed, with a code hash of eth_getCode', async () => {
    const result = await analyse(scenario.erc20);
    const code = await rpc.getCode({ address: scenario.erc20 });
    expect(code).toBeDefined();
    expect(result.data).toMatchObject({
      kind: 'contract',
      balanceWei: '0',
      balance: '0',
      nonce: 1, // EIP-161: contracts start at nonce 1
      codeSize: (code!.length - 2) / 2,
      codeHash: keccak256(code!),
      proxy: null,
    });
    expect(result.data.token).toEqual({
      standard: 'ERC20',
      name: DEMO_TOKEN.name,
      symbol: DEMO_TOKEN.symbol,
      decimals: DEMO_TOKEN.decimals,
      totalSupply: DEMO_TOKEN.totalSupply.toString(),
    });
    expect(result.findings.map((f) => f.title)).toEqual(['Contract', 'ERC-20 token DEMO']);
    expect(result.summary).toContain('is a contract (ERC-20 "Demo Token" (DEMO))');
  });

  it('detects ERC-721 and ERC-1155 through ERC-165', async () => {
    const nft = await analyse(scenario.erc721);
    expect(nft.data.token).toEqual({ standard: 'ERC721', name: DEMO_NFT.name, symbol: DEMO_NFT.symbol, decimals: null, totalSupply: '1' });
    const multi = await analyse(scenario.erc1155);
    expect(multi.data.token).toEqual({ standard: 'ERC1155', name: null, symbol: null, decimals: null, totalSupply: null });
    expect(multi.findings.map((f) => f.title)).toEqual(['Contract', 'ERC-1155 token (no symbol)']);
  });

  it('reads the Uniswap V2 pair as the ERC-20 LP token it is', async () => {
    const result = await analyse(scenario.uniswapV2Pair);
    expect(result.data.token).toMatchObject({ standard: 'ERC20', name: 'Uniswap V2', symbol: 'UNI-V2', decimals: 18 });
    const supply = await rpc.readContract({
      address: scenario.uniswapV2Pair,
      abi: [{ type: 'function', name: 'totalSupply', stateMutability: 'view', inputs: [], outputs: [{ type: 'uint256' }] }],
      functionName: 'totalSupply',
    });
    expect(supply).toBeGreaterThan(0n);
    expect(result.data.token?.totalSupply).toBe(supply.toString());
  });

  it('reads a transparent proxy: implementation and admin from the EIP-1967 slots, token through delegation', async () => {
    const result = await analyse(scenario.proxy);
    expect(result.data.kind).toBe('contract');
    expect(result.data.proxy).toEqual({
      standard: 'EIP-1967',
      implementation: scenario.proxyImplementation,
      admin: scenario.proxyAdmin,
      beacon: null,
    });
    // The proxy's own code has no name(); these answers come from the implementation.
    expect(result.data.token).toEqual({
      standard: 'ERC20',
      name: PROXIED_TOKEN.name,
      symbol: PROXIED_TOKEN.symbol,
      decimals: PROXIED_TOKEN.decimals,
      totalSupply: PROXIED_TOKEN.totalSupply.toString(),
    });
    const finding = result.findings.find((f) => f.severity === 'medium');
    expect(finding?.title).toBe('Upgradeable proxy: admin can change code');
    expect(finding?.evidence).toContain(scenario.proxyImplementation.slice(2).toLowerCase());
    expect(finding?.evidence).toContain(scenario.proxyAdmin.slice(2).toLowerCase());
  });

  it('reads a beacon proxy: beacon slot set, implementation resolved through the beacon', async () => {
    const result = await analyse(scenario.beaconProxy);
    expect(result.data.proxy).toEqual({ standard: 'EIP-1967', implementation: null, admin: null, beacon: scenario.beacon });
    expect(result.data.token).toMatchObject({ standard: 'ERC20', symbol: PROXIED_TOKEN.symbol });
    const finding = result.findings.find((f) => f.severity === 'medium');
    expect(finding?.evidence).toContain(`beacon.implementation() = ${scenario.proxyImplementation}`);
  });

  it('does not call a contract without proxy slots a proxy', async () => {
    const result = await analyse(scenario.proxyImplementation);
    expect(result.data.proxy).toBeNull();
    expect(result.data.token).toMatchObject({ standard: 'ERC20', name: PROXIED_TOKEN.name });
  });

  it('follows the chain: after a new block, reads and reports that block', async () => {
    const before = await analyse(scenario.erc20);
    expect(before.blockNumber).toBe(scenario.blockNumber);
    // A new block moves the pin forward, and the figures follow it.
    await cheats.setBalance({ address: scenario.erc20, value: 42n });
    await cheats.mine({ blocks: 1 });
    const after = await analyse(scenario.erc20);
    expect(BigInt(after.blockNumber)).toBe(BigInt(before.blockNumber) + 1n);
    expect(after.data.balanceWei).toBe('42');
  });

  it('reads everything at the block it reports, in two HTTP round trips', async () => {
    const proxy = await startRpcProxy({ upstream: anvil.rpcUrl });
    try {
      const recorded = new ChainClients({ rpcUrls: { devnet: [proxy.url] } });
      const result = await addressAgent.run({ network: 'devnet', address: scenario.proxy }, { ...ctx(), chain: recorded });
      const pinned = toHex(BigInt(result.blockNumber));
      const calls = proxy.calls();
      expect(calls.filter((c) => c.method === 'eth_blockNumber')).toHaveLength(1);
      const reads = calls.filter((c) => c.method !== 'eth_blockNumber');
      expect(reads.map((c) => c.method).sort()).toEqual(
        [
          'eth_getBalance',
          'eth_getTransactionCount',
          'eth_getCode',
          ...Array(3).fill('eth_getStorageAt'),
          ...Array(8).fill('eth_call'),
        ].sort(),
      );
      // The block is the last positional param of every state read.
      for (const call of reads) expect(call.params.at(-1)).toBe(pinned);
      // Block number first, then one JSON-RPC batch with all fourteen reads.
      expect(proxy.requests.map((r) => r.calls.length)).toEqual([1, 14]);
    } finally {
      await proxy.stop();
    }
  });

  it('keeps an EIP-7702 delegated account an EOA and says where it delegates', async () => {
    const delegated: Address = '0x00000000000000000000000000000000000077e2';
    // The designator a type-4 transaction would write; set directly so the test needs no signer.
    await cheats.setCode({ address: delegated, bytecode: `0xef0100${scenario.erc20.slice(2).toLowerCase()}` });
    const result = await analyse(delegated);
    expect(result.data).toMatchObject({ kind: 'eoa', codeSize: 23, token: null, proxy: null });
    expect(result.findings[0]).toMatchObject({ severity: 'medium', title: 'EOA delegates its code (EIP-7702)' });
    expect(result.findings[0]?.evidence).toContain(scenario.erc20);
  });

  it('rejects a mixed-case address with a bad checksum, naming the address field', async () => {
    const good = scenario.erc20;
    const flipped = good.replace(/[a-f]/, (c) => c.toUpperCase()) as Address;
    expect(flipped).not.toBe(good);
    const params = addressAgent.params.parse({ network: 'devnet', address: flipped });
    const run = addressAgent.run(params, ctx());
    await expect(run).rejects.toBeInstanceOf(PermanentAgentError);
    await expect(run).rejects.toMatchObject({ code: 'invalid_params', field: 'address', retryable: false });
  });

  it('stops when the signal aborts, before or during the reads', async () => {
    const params: AddressParams = { network: 'devnet', address: scenario.erc20 };
    const aborted = new AbortController();
    aborted.abort();
    await expect(addressAgent.run(params, ctx(aborted.signal))).rejects.toMatchObject({ name: 'AbortError' });

    const midway = new AbortController();
    const run = addressAgent.run(params, ctx(midway.signal));
    midway.abort(new Error('job timed out'));
    await expect(run).rejects.toThrow('job timed out');
  });

  it('fails with network_not_configured for a network without RPC URLs', async () => {
    await expect(addressAgent.run({ network: 'ethereum', address: scenario.eoa }, ctx())).rejects.toMatchObject({
      code: 'network_not_configured',
    });
  });
});
