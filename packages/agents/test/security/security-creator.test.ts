import { deployCreatorScenario, startAnvil, startRpcProxy, type AnvilInstance, type CreatorScenario, type RpcProxy } from '@oca/testkit';
import { createPublicClient, getAddress, http, parseAbiItem, zeroAddress, type Address, type Hash, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { analyseSecurity } from './analyse-security';

// anvil start-up, four transactions and a (cached) solc compile.
jest.setTimeout(60_000);

const TRANSFER = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');
const LAUNCHED = parseAbiItem('event Launched(address indexed token, address indexed by)');

let anvil: AnvilInstance;
let noTraces: RpcProxy;
let scenario: CreatorScenario;
let rpc: PublicClient;

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployCreatorScenario(anvil.rpcUrl);
  noTraces = await startRpcProxy({ upstream: anvil.rpcUrl, unsupportedMethods: ['trace_filter'] });
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
});

afterAll(async () => {
  await noTraces?.stop();
  await anvil?.stop();
});

/** Ground truth by brute force over the whole (short) chain: the transaction whose receipt's contractAddress is `address`. */
async function directDeployment(address: Address): Promise<{ from: Address; hash: Hash; block: bigint } | null> {
  const latest = await rpc.getBlockNumber();
  for (let n = 0n; n <= latest; n++) {
    const block = await rpc.getBlock({ blockNumber: n, includeTransactions: true });
    for (const tx of block.transactions) {
      if (tx.to !== null) continue;
      const receipt = await rpc.getTransactionReceipt({ hash: tx.hash });
      if (receipt.contractAddress && getAddress(receipt.contractAddress) === address) return { from: getAddress(tx.from), hash: tx.hash, block: n };
    }
  }
  return null;
}

/** The sender of the token's first mint (Transfer from 0x0), from its logs. */
async function firstMintSender(token: Address): Promise<Address> {
  const [mint] = await rpc.getLogs({ address: token, event: TRANSFER, args: { from: zeroAddress }, fromBlock: 0n, toBlock: 'latest' });
  return getAddress((await rpc.getTransaction({ hash: mint!.transactionHash })).from);
}

describe('creator = the deployer (the creating transaction\'s sender), not the first mint\'s sender', () => {
  it('an EOA deployment whose first mint another account sends to a third: the deployer, from the creation block\'s receipts', async () => {
    const truth = await directDeployment(scenario.minterToken);
    expect(truth).not.toBeNull();
    // The case the old rule got wrong: the first mint's sender is someone else.
    expect(await firstMintSender(scenario.minterToken)).not.toBe(truth!.from);

    const r = await analyseSecurity(anvil.rpcUrl, scenario.minterToken);
    expect(r.data.contract.creator).toEqual({ address: truth!.from, transaction: truth!.hash, factory: null, block: truth!.block.toString(), method: 'creation-receipt', unknownReason: null });
    expect(r.data.holders).toMatchObject({ creatorAddress: truth!.from, creatorBalance: (await rpc.readContract({ address: scenario.minterToken, abi: [parseAbiItem('function balanceOf(address) view returns (uint256)')], functionName: 'balanceOf', args: [truth!.from] })).toString() });
  });

  it('a factory-created token: the account whose transaction called the factory, and the factory, from the creation trace', async () => {
    // No transaction deployed it: a contract did.
    expect(await directDeployment(scenario.launched)).toBeNull();
    const [launch] = await rpc.getLogs({ address: scenario.launcher, event: LAUNCHED, args: { token: scenario.launched }, fromBlock: 0n, toBlock: 'latest' });
    const tx = await rpc.getTransaction({ hash: launch!.transactionHash });
    expect(getAddress(launch!.args.by!)).toBe(getAddress(tx.from));
    // The first mint's sender is the same account here, but the mint's recipient was the factory.
    const [mint] = await rpc.getLogs({ address: scenario.launched, event: TRANSFER, args: { from: zeroAddress }, fromBlock: 0n, toBlock: 'latest' });
    expect(getAddress(mint!.args.to!)).toBe(scenario.launcher);

    const r = await analyseSecurity(anvil.rpcUrl, scenario.launched);
    expect(r.data.contract.creator).toEqual({
      address: getAddress(tx.from),
      transaction: tx.hash,
      factory: scenario.launcher,
      block: tx.blockNumber!.toString(),
      method: 'creation-trace',
      unknownReason: null,
    });
  });

  it('without trace_filter a factory-created token\'s deployer is unknown and says why; a direct deployment is still found', async () => {
    const factoryMade = await analyseSecurity(noTraces.url, scenario.launched);
    expect(factoryMade.data.contract.creator).toMatchObject({ address: null, method: null, unknownReason: expect.stringMatching(/no trace_filter/) });
    expect(factoryMade.data.holders?.creatorAddress ?? null).toBeNull();
    const direct = await analyseSecurity(noTraces.url, scenario.minterToken);
    expect(direct.data.contract.creator).toMatchObject({ address: scenario.minterTokenDeployer, method: 'creation-receipt' });
  });
});
