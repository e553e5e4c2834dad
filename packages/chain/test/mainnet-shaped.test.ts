import {
  ARTIFACTS,
  connectDeployer,
  MULTICALL3_ADDRESS,
  PROVIDER_PROFILES,
  receiptOf,
  startMainnetShapedAnvil,
  startRpcProxy,
  type MainnetShapedAnvil,
  type ProviderProfileName,
  type RpcProxy,
} from '@oca/testkit';
import { concatHex, createTestClient, createWalletClient, encodeAbiParameters, http, parseAbi, publicActions, parseAbiItem, toEventSelector, type Address, type Hash } from 'viem';
import { mainnet } from 'viem/chains';
import { ChainClients, findCreationBlock, getLogsPaged } from '../src';

// Reads on a chain shaped like mainnet (history from block 18,000,000, chain id 1, Multicall3 at
// its address) through a proxy that refuses what QuickNode, Infura, Alchemy and public nodes refuse.
jest.setTimeout(120_000);

const PING = parseAbiItem('event Ping(uint256 blockNumber)');
const TOPIC = toEventSelector(PING);
/** Runtime code: `Ping(block.number)` on any call (NUMBER, MSTORE, LOG1, STOP). */
const PING_CODE = concatHex(['0x43600052', '0x7f', TOPIC, '0x60206000a100']);
/**
 * Runtime code: `Ping(block.number)` as many times as the calldata's first word says — a loop of
 * CALLDATALOAD; JUMPDEST DUP1 ISZERO PUSH1 end JUMPI; NUMBER MSTORE; LOG1; SUB 1; JUMP back.
 */
const BURST_CODE = concatHex(['0x6000355b8015603a5743600052', '0x7f', TOPIC, '0x60206000a160019003600356', '0x5b00']);
const EMITTER: Address = '0x00000000000000000000000000000000000e0001';
const BURSTER: Address = '0x00000000000000000000000000000000000e0002';
const SENDER: Address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const BURST = 6_000n;
/** Where the scans start: 24,000 blocks before the chain's first. */
const FROM = 18_000_000n - 24_000n;

let anvil: MainnetShapedAnvil;
let proxy: RpcProxy;
let latest: bigint;
let deployed: { address: Address; block: bigint };
let burstHashes: Hash[] = [];

beforeAll(async () => {
  anvil = await startMainnetShapedAnvil();
  const test = createTestClient({ chain: { ...mainnet, id: anvil.chainId }, mode: 'anvil', transport: http(anvil.rpcUrl) });
  await test.setCode({ address: EMITTER, bytecode: PING_CODE });
  await test.setCode({ address: BURSTER, bytecode: BURST_CODE });
  const wallet = createWalletClient({ chain: { ...mainnet, id: anvil.chainId }, account: SENDER, transport: http(anvil.rpcUrl) });
  const ping = () => wallet.sendTransaction({ to: EMITTER, gas: 50_000n });
  const burst = () => wallet.sendTransaction({ to: BURSTER, data: encodeAbiParameters([{ type: 'uint256' }], [BURST]), gas: 14_000_000n });
  // 12,000 logs in two adjacent blocks (over the 10,000-log caps): a token's busy launch. The
  // scans below start 24,000 blocks before the chain's first block (anvil answers those blocks
  // with no logs, as a real node does for blocks without them): wider than every span cap.
  // Mining real empty blocks instead costs anvil seconds per thousand.
  // Every transaction's receipt is awaited: under load anvil can answer eth_sendTransaction a
  // moment before the block holding it exists, and `latest` must cover the last ping.
  const mined = (hash: Hash) => receiptOf(test.extend(publicActions), hash);
  const first = await mined(await ping());
  const d = await connectDeployer(anvil.rpcUrl);
  const address = await d.deploy(ARTIFACTS.weth9, []);
  deployed = { address, block: await d.blockNumber() };
  expect(deployed.block).toBeGreaterThan(first.blockNumber);
  await mined(await ping());
  burstHashes = [await burst(), await burst()];
  await Promise.all(burstHashes.map(mined));
  await test.mine({ blocks: 5 });
  const last = await mined(await ping());
  latest = await d.blockNumber();
  expect(latest).toBeGreaterThanOrEqual(last.blockNumber);
  proxy = await startRpcProxy({ upstream: anvil.rpcUrl });
});

afterAll(async () => {
  await proxy?.stop();
  await anvil?.stop();
});

afterEach(() => {
  proxy.setProfile(undefined);
  proxy.setRateLimit(undefined);
});

const clientVia = (url: string) => new ChainClients({ rpcUrls: { ethereum: [url] } }).get('ethereum');

describe('the mainnet-shaped chain', () => {
  it('starts at block 18,000,000 with chain id 1', async () => {
    const client = clientVia(anvil.rpcUrl);
    expect(await client.getChainId()).toBe(1);
    const genesis = await client.getBlock({ blockNumber: 18_000_000n });
    expect(genesis.number).toBe(18_000_000n);
    expect(Math.abs(Number(genesis.timestamp) - Date.now() / 1000)).toBeLessThan(3_600);
  });

  it('has Multicall3 where viem looks for it, and viem folds concurrent eth_calls into it', async () => {
    const first = proxy.requests.length;
    const client = clientVia(proxy.url);
    const abi = parseAbi(['function getEthBalance(address) view returns (uint256)']);
    const balances = await Promise.all([SENDER, EMITTER, BURSTER].map((account) => client.readContract({ address: MULTICALL3_ADDRESS, abi, functionName: 'getEthBalance', args: [account] })));
    expect(balances[0]).toBeGreaterThan(0n);
    expect(balances.slice(1)).toEqual([0n, 0n]);
    const calls = proxy.requests.slice(first).flatMap((r) => r.calls);
    expect(calls).toHaveLength(1);
    expect((calls[0]!.params[0] as { to: string }).to.toLowerCase()).toBe(MULTICALL3_ADDRESS.toLowerCase());
  });
});

describe('findCreationBlock', () => {
  it('finds the block a contract was deployed in, in a handful of batched rounds', async () => {
    const first = proxy.requests.length;
    const found = await findCreationBlock(clientVia(proxy.url), deployed.address, latest);
    expect(found).toMatchObject({ block: deployed.block, proven: true });
    expect(found!.rounds).toBeLessThanOrEqual(7);
    // One HTTP request per round: the probes of a round travel in one batch.
    expect(proxy.requests.length - first).toBe(found!.rounds);
  });

  it('says when history before the answer cannot be seen (code since the first block the node has)', async () => {
    expect(await findCreationBlock(clientVia(anvil.rpcUrl), MULTICALL3_ADDRESS, latest)).toMatchObject({ block: 18_000_000n, proven: false });
  });

  it('answers undefined for an address without code', async () => {
    expect(await findCreationBlock(clientVia(anvil.rpcUrl), SENDER, latest)).toBeUndefined();
  });
});

describe('getLogs within provider limits', () => {
  const scan = (url: string) =>
    getLogsPaged(clientVia(url), { address: [EMITTER, BURSTER], events: [PING], fromBlock: FROM, toBlock: latest }, { maxBlockRange: latest - FROM + 1n });
  let direct: Awaited<ReturnType<typeof scan>>;

  beforeAll(async () => {
    direct = await scan(anvil.rpcUrl);
  });

  it('the node itself answers the whole range at once', async () => {
    const receipts = await Promise.all(burstHashes.map((hash) => receiptOf(clientVia(anvil.rpcUrl), hash)));
    expect(receipts.map((r) => r.status)).toEqual(['success', 'success']);
    expect(direct.logs).toHaveLength(3 + 2 * Number(BURST));
    expect(direct.requests).toBe(1);
  });

  const rows: string[] = [];
  afterAll(() => console.log(`getLogs over ${latest - FROM + 1n} blocks, ${direct?.logs.length} logs: profile, requests, round trips, refusals\n${rows.join('\n')}`));

  it.each(Object.keys(PROVIDER_PROFILES) as ProviderProfileName[])('%s: the same logs, in order, within the budget', async (name) => {
    proxy.setProfile(PROVIDER_PROFILES[name]);
    const before = proxy.refusals.logs;
    const paged = await scan(proxy.url);
    const refused = proxy.refusals.logs - before;
    rows.push(`${name.padEnd(10)} ${String(paged.requests).padStart(4)} ${String(paged.depth).padStart(4)} ${String(refused).padStart(4)}`);
    expect(refused).toBeGreaterThan(0);
    expect(paged.logs.map((l) => [l.blockNumber, l.logIndex])).toEqual(direct.logs.map((l) => [l.blockNumber, l.logIndex]));
    // A named span is used in one step: far fewer requests than halving level by level.
    expect(paged.requests).toBeLessThanOrEqual(name === 'infura' ? 40 : 30);
  });

  it('waits as long as a 429 asks and finishes', async () => {
    proxy.setProfile(PROVIDER_PROFILES.quicknode);
    proxy.setRateLimit({ requests: 1, windowMs: 1_000, retryAfterSeconds: 1 });
    const before = proxy.refusals.rateLimited;
    const paged = await scan(proxy.url);
    expect(proxy.refusals.rateLimited - before).toBeGreaterThan(0);
    expect(paged.logs).toHaveLength(direct.logs.length);
  });
});
