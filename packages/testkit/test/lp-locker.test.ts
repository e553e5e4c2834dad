import { createPublicClient, createWalletClient, http, parseAbi, type Address, type PublicClient } from 'viem';
import { foundry } from 'viem/chains';
import { ARTIFACTS, connectDeployer, deployLpTimeLock, deployScenario, startAnvil, type AnvilInstance, type Scenario } from '../src';

jest.setTimeout(60_000);

const lpAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

let anvil: AnvilInstance;
let scenario: Scenario;
let rpc: PublicClient;

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployScenario(anvil.rpcUrl);
  rpc = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
});

afterAll(async () => {
  await anvil?.stop();
});

it('locks LP tokens until a time, refuses early and foreign withdrawals, and stops counting an expired lock as locked', async () => {
  const d = await connectDeployer(anvil.rpcUrl);
  const locker = await deployLpTimeLock(d);
  // Deploying again is a no-op at the same address.
  expect((await deployLpTimeLock(d)).address).toBe(locker.address);
  const pair = scenario.uniswapV2Pair;
  const lp = (account: Address) => rpc.readContract({ address: pair, abi: lpAbi, functionName: 'balanceOf', args: [account] });
  const locked = () => rpc.readContract({ address: locker.address, abi: locker.contract.abi, functionName: 'lockedBalance', args: [pair] }) as Promise<bigint>;
  const amount = (await lp(scenario.deployer)) / 4n;
  const unlockTime = (await d.timestamp()) + 600n;

  await d.write(pair, ARTIFACTS.uniswapV2Pair, 'approve', [locker.address, amount]);
  await d.write(locker.address, locker.contract, 'lock', [pair, amount, unlockTime]);
  expect(await lp(locker.address)).toBe(amount);
  expect(await locked()).toBe(amount);

  const simulateWithdraw = (account: Address) => rpc.simulateContract({ address: locker.address, abi: locker.contract.abi, functionName: 'withdraw', args: [0n], account });
  await expect(simulateWithdraw(scenario.deployer)).rejects.toThrow(/still locked/);

  await d.increaseTime(601n);
  expect(await locked()).toBe(0n); // expired: withdrawable, so no longer locked…
  expect(await lp(locker.address)).toBe(amount); // …though the tokens are still in the locker
  await expect(simulateWithdraw(scenario.proxyAdmin)).rejects.toThrow(/not the lock owner/);

  const before = await lp(scenario.deployer);
  const wallet = createWalletClient({ chain: foundry, transport: http(anvil.rpcUrl), account: scenario.deployer });
  const hash = await wallet.writeContract({ address: locker.address, abi: locker.contract.abi, functionName: 'withdraw', args: [0n] });
  expect((await rpc.waitForTransactionReceipt({ hash, pollingInterval: 20 })).status).toBe('success');
  expect(await lp(scenario.deployer)).toBe(before + amount);
  expect(await lp(locker.address)).toBe(0n);
});

it('locks an ERC-721 position until a time: isNftLocked is true while it runs, false once expired, and the NFT comes back to its owner only then', async () => {
  const d = await connectDeployer(anvil.rpcUrl);
  const locker = await deployLpTimeLock(d);
  const nft = await d.deploy(ARTIFACTS.erc721, ['Position', 'POS', '']);
  await d.write(nft, ARTIFACTS.erc721, 'mint', [scenario.deployer]);
  const tokenId = 0n;
  const owner = async () => (await rpc.readContract({ address: nft, abi: ARTIFACTS.erc721.abi, functionName: 'ownerOf', args: [tokenId] })) as Address;
  const isLocked = () => rpc.readContract({ address: locker.address, abi: locker.contract.abi, functionName: 'isNftLocked', args: [nft, tokenId] }) as Promise<boolean>;
  expect(await isLocked()).toBe(false);

  await d.write(nft, ARTIFACTS.erc721, 'approve', [locker.address, tokenId]);
  await d.write(locker.address, locker.contract, 'lockNft', [nft, tokenId, (await d.timestamp()) + 600n]);
  expect(await owner()).toBe(locker.address);
  expect(await isLocked()).toBe(true);
  const simulateWithdraw = (account: Address) => rpc.simulateContract({ address: locker.address, abi: locker.contract.abi, functionName: 'withdrawNft', args: [0n], account });
  await expect(simulateWithdraw(scenario.deployer)).rejects.toThrow(/still locked/);

  await d.increaseTime(601n);
  expect(await isLocked()).toBe(false); // expired: withdrawable, so no longer locked…
  expect(await owner()).toBe(locker.address); // …though the NFT is still in the locker
  await expect(simulateWithdraw(scenario.proxyAdmin)).rejects.toThrow(/not the lock owner/);
  await d.write(locker.address, locker.contract, 'withdrawNft', [0n]);
  expect(await owner()).toBe(scenario.deployer);
});
