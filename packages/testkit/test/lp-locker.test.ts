import { createWalletClient, http, parseAbi, type Address } from 'viem';
import { foundry } from 'viem/chains';
import { ARTIFACTS, connectDeployer, deployLpTimeLock, receiptOf } from '../src';
import { useScenarioDevnet } from './scenario-devnet';

jest.setTimeout(60_000);

const lpAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

const devnet = useScenarioDevnet();

it('locks LP tokens until a time, refuses early and foreign withdrawals, and stops counting an expired lock as locked', async () => {
  const d = await connectDeployer(devnet.anvil.rpcUrl);
  const locker = await deployLpTimeLock(d);
  // Deploying again is a no-op at the same address.
  expect((await deployLpTimeLock(d)).address).toBe(locker.address);
  const pair = devnet.scenario.uniswapV2Pair;
  const lp = (account: Address) => devnet.rpc.readContract({ address: pair, abi: lpAbi, functionName: 'balanceOf', args: [account] });
  const locked = () => devnet.rpc.readContract({ address: locker.address, abi: locker.contract.abi, functionName: 'lockedBalance', args: [pair] }) as Promise<bigint>;
  const amount = (await lp(devnet.scenario.deployer)) / 4n;
  const unlockTime = (await d.timestamp()) + 600n;

  await d.write(pair, ARTIFACTS.uniswapV2Pair, 'approve', [locker.address, amount]);
  await d.write(locker.address, locker.contract, 'lock', [pair, amount, unlockTime]);
  expect(await lp(locker.address)).toBe(amount);
  expect(await locked()).toBe(amount);

  const simulateWithdraw = (account: Address) => devnet.rpc.simulateContract({ address: locker.address, abi: locker.contract.abi, functionName: 'withdraw', args: [0n], account });
  await expect(simulateWithdraw(devnet.scenario.deployer)).rejects.toThrow(/still locked/);

  await d.increaseTime(601n);
  expect(await locked()).toBe(0n); // expired: withdrawable, so no longer locked…
  expect(await lp(locker.address)).toBe(amount); // …though the tokens are still in the locker
  await expect(simulateWithdraw(devnet.scenario.proxyAdmin)).rejects.toThrow(/not the lock owner/);

  const before = await lp(devnet.scenario.deployer);
  const wallet = createWalletClient({ chain: foundry, transport: http(devnet.anvil.rpcUrl), account: devnet.scenario.deployer });
  const hash = await wallet.writeContract({ address: locker.address, abi: locker.contract.abi, functionName: 'withdraw', args: [0n] });
  expect((await receiptOf(devnet.rpc, hash)).status).toBe('success');
  expect(await lp(devnet.scenario.deployer)).toBe(before + amount);
  expect(await lp(locker.address)).toBe(0n);
});

it('locks an ERC-721 position until a time: isNftLocked is true while it runs, false once expired, and the NFT comes back to its owner only then', async () => {
  const d = await connectDeployer(devnet.anvil.rpcUrl);
  const locker = await deployLpTimeLock(d);
  const nft = await d.deploy(ARTIFACTS.erc721, ['Position', 'POS', '']);
  await d.write(nft, ARTIFACTS.erc721, 'mint', [devnet.scenario.deployer]);
  const tokenId = 0n;
  const owner = async () => (await devnet.rpc.readContract({ address: nft, abi: ARTIFACTS.erc721.abi, functionName: 'ownerOf', args: [tokenId] })) as Address;
  const isLocked = () => devnet.rpc.readContract({ address: locker.address, abi: locker.contract.abi, functionName: 'isNftLocked', args: [nft, tokenId] }) as Promise<boolean>;
  expect(await isLocked()).toBe(false);

  await d.write(nft, ARTIFACTS.erc721, 'approve', [locker.address, tokenId]);
  await d.write(locker.address, locker.contract, 'lockNft', [nft, tokenId, (await d.timestamp()) + 600n]);
  expect(await owner()).toBe(locker.address);
  expect(await isLocked()).toBe(true);
  const simulateWithdraw = (account: Address) => devnet.rpc.simulateContract({ address: locker.address, abi: locker.contract.abi, functionName: 'withdrawNft', args: [0n], account });
  await expect(simulateWithdraw(devnet.scenario.deployer)).rejects.toThrow(/still locked/);

  await d.increaseTime(601n);
  expect(await isLocked()).toBe(false); // expired: withdrawable, so no longer locked…
  expect(await owner()).toBe(locker.address); // …though the NFT is still in the locker
  await expect(simulateWithdraw(devnet.scenario.proxyAdmin)).rejects.toThrow(/not the lock owner/);
  await d.write(locker.address, locker.contract, 'withdrawNft', [0n]);
  expect(await owner()).toBe(devnet.scenario.deployer);
});
