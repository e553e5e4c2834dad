import {
  createPublicClient,
  createWalletClient,
  getAddress,
  http,
  numberToHex,
  type Abi,
  type Address,
  type Hash,
  type Hex,
  type PublicClient,
  type WalletClient,
} from 'viem';
import { foundry } from 'viem/chains';
import type { Artifact } from './artifacts';
import { receiptOf } from './receipts';

/** Sends transactions from anvil's first unlocked account and waits for each to be mined. */
export interface Deployer {
  chainId: number;
  /** anvil's unlocked accounts (`eth_accounts`), deployer first. */
  accounts: Address[];
  /** Deploys from `from` (an unlocked account; default the deployer). */
  deploy(artifact: Artifact, args: readonly unknown[], from?: Address): Promise<Address>;
  /** Sends from `from` (an unlocked account; default the deployer). */
  write(to: Address, artifact: Artifact, functionName: string, args: readonly unknown[], value?: bigint, from?: Address): Promise<void>;
  /** A raw transaction (e.g. to the CREATE2 deployer), from the deployer. */
  send(to: Address, data: Hex, gas?: bigint): Promise<void>;
  getCode(address: Address): Promise<Hex | undefined>;
  /** Latest block's timestamp, seconds. */
  timestamp(): Promise<bigint>;
  /** Moves the chain's clock forward and mines a block (anvil). */
  increaseTime(seconds: bigint): Promise<void>;
  read(to: Address, artifact: Artifact, functionName: string, args: readonly unknown[]): Promise<unknown>;
  sendValue(to: Address, value: bigint): Promise<void>;
  blockNumber(): Promise<bigint>;
}

/**
 * Uses anvil's unlocked accounts through `eth_sendTransaction` (no keys in the code). Every
 * transaction is awaited before the next, so nonces are assigned in order.
 */
export async function connectDeployer(rpcUrl: string): Promise<Deployer> {
  // Short polling: anvil automines, so receipts exist by the time they are asked for.
  const bootstrap = createPublicClient({ transport: http(rpcUrl), pollingInterval: 20 });
  const chain = { ...foundry, id: await bootstrap.getChainId() };
  const publicClient: PublicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 20 });
  const wallet: WalletClient = createWalletClient({ chain, transport: http(rpcUrl) });
  const accounts = await wallet.getAddresses();
  const account = accounts[0];
  if (!account) throw new Error(`no unlocked accounts at ${rpcUrl}; is it anvil?`);

  async function mined(hash: Hash, what: string) {
    const receipt = await receiptOf(publicClient, hash);
    if (receipt.status !== 'success') throw new Error(`${what} reverted (tx ${hash})`);
    return receipt;
  }

  return {
    chainId: chain.id,
    accounts,
    async deploy(artifact, args, from = account) {
      const hash = await wallet.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode, args, account: from, chain });
      const receipt = await mined(hash, 'deployment');
      if (!receipt.contractAddress) throw new Error(`deployment ${hash} created no contract`);
      // Receipts carry lower-case addresses; everything the testkit hands out is checksummed.
      return getAddress(receipt.contractAddress);
    },
    async write(to, artifact, functionName, args, value, from = account) {
      // Headroom over the estimate: the estimate runs in the current block, but the transaction is
      // mined in the next one, and a later timestamp can cost more (a Uniswap V2 pair updates its
      // price accumulators only when time has passed: +40k gas, an out-of-gas revert seen under load).
      const estimate = await publicClient.estimateContractGas({ address: to, abi: artifact.abi as Abi, functionName, args, value, account: from });
      const gas = (estimate * 3n) / 2n + 50_000n;
      const hash = await wallet.writeContract({ address: to, abi: artifact.abi as Abi, functionName, args, value, account: from, chain, gas });
      await mined(hash, `${functionName}() on ${to}`);
    },
    read(to, artifact, functionName, args) {
      return publicClient.readContract({ address: to, abi: artifact.abi, functionName, args });
    },
    async send(to, data, gas = 10_000_000n) {
      const hash = await wallet.sendTransaction({ to, data, gas, account, chain });
      await mined(hash, `transaction to ${to}`);
    },
    getCode: (address) => publicClient.getCode({ address }),
    async increaseTime(seconds) {
      await publicClient.request({ method: 'evm_increaseTime', params: [numberToHex(seconds)] } as never);
      await publicClient.request({ method: 'evm_mine', params: [] } as never);
    },
    async timestamp() {
      return (await publicClient.getBlock({ blockTag: 'latest' })).timestamp;
    },
    async sendValue(to, value) {
      const hash = await wallet.sendTransaction({ to, value, account, chain });
      await mined(hash, `transfer to ${to}`);
    },
    blockNumber: () => publicClient.getBlockNumber({ cacheTime: 0 }),
  };
}
