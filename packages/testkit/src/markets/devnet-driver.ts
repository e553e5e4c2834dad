import { getAddress, numberToHex, type Address, type Hash, type Hex } from 'viem';

/** A transaction for an unlocked or impersonated anvil account. */
export interface TxRequest {
  from: Address;
  to?: Address;
  data?: Hex;
  value?: bigint;
  /** Explicit gas: with automine off, estimation against the pending block would be unreliable. */
  gas: bigint;
}

/** What a mined transaction left behind. */
export interface MinedTx {
  hash: Hash;
  from: Address;
  success: boolean;
  blockNumber: bigint;
  timestamp: bigint;
  contractAddress: Address | null;
  logs: { address: Address; topics: Hex[]; data: Hex; logIndex: number; transactionHash: Hash }[];
}

interface RpcReceipt {
  transactionHash: Hash;
  from: string;
  status: Hex;
  blockNumber: Hex;
  contractAddress: string | null;
  logs: { address: string; topics: Hex[]; data: Hex; logIndex: Hex; transactionHash: Hash }[];
}

/**
 * Drives an anvil node block by block in simulated time: queue transactions (automine off),
 * then mine them together into one block with a chosen timestamp. Everything travels as JSON-RPC
 * batches, so a block of forty swaps costs three HTTP requests. Nonces are tracked here, so
 * queued transactions from one sender never collide.
 */
export class DevnetDriver {
  private id = 0;
  private readonly nonces = new Map<Address, bigint>();
  private readonly queued: TxRequest[] = [];

  constructor(readonly rpcUrl: string) {}

  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const [result] = await this.batch<T>([{ method, params }]);
    return result as T;
  }

  /** One HTTP request; throws on the first JSON-RPC error, naming its method. */
  async batch<T = unknown>(calls: { method: string; params: unknown[] }[]): Promise<T[]> {
    if (calls.length === 0) return [];
    const body = calls.map((c) => ({ jsonrpc: '2.0', id: ++this.id, method: c.method, params: c.params }));
    const response = await fetch(this.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answers = (await response.json()) as { id: number; result?: T; error?: { message: string } }[];
    const byId = new Map(answers.map((a) => [a.id, a]));
    return body.map((request) => {
      const answer = byId.get(request.id);
      if (!answer || answer.error) throw new Error(`${request.method} failed: ${answer?.error?.message ?? 'no answer'}`);
      return answer.result as T;
    });
  }

  /** Automine off, any sender allowed, and room for large blocks. */
  async takeControl(): Promise<void> {
    await this.batch([
      { method: 'evm_setAutomine', params: [false] },
      { method: 'anvil_autoImpersonateAccount', params: [true] },
      { method: 'evm_setBlockGasLimit', params: [numberToHex(1_000_000_000n)] },
    ]);
  }

  /** Back to anvil's defaults, so later users of the node see automining. */
  async releaseControl(): Promise<void> {
    await this.batch([
      { method: 'evm_setAutomine', params: [true] },
      { method: 'anvil_autoImpersonateAccount', params: [false] },
    ]);
  }

  async fund(accounts: readonly Address[], wei: bigint): Promise<void> {
    await this.batch(accounts.map((a) => ({ method: 'anvil_setBalance', params: [a, numberToHex(wei)] })));
  }

  async latestTimestamp(): Promise<bigint> {
    const block = await this.call<{ timestamp: Hex }>('eth_getBlockByNumber', ['latest', false]);
    return BigInt(block.timestamp);
  }

  queue(tx: TxRequest): void {
    this.queued.push(tx);
  }

  /**
   * Sends everything queued and mines it into one block at `timestamp` (seconds, strictly after
   * the previous block). Transactions `allowRevert` accepts may fail (a honeypot sell); any other
   * failure throws.
   */
  async mine(timestamp: bigint, options: { allowRevert?: (tx: TxRequest) => boolean } = {}): Promise<MinedTx[]> {
    const txs = this.queued.splice(0);
    await this.loadNonces(txs.map((t) => t.from));
    const sends = txs.map((tx) => {
      const nonce = this.nonces.get(tx.from)!;
      this.nonces.set(tx.from, nonce + 1n);
      return {
        method: 'eth_sendTransaction',
        params: [
          {
            from: tx.from,
            to: tx.to,
            data: tx.data ?? '0x',
            value: numberToHex(tx.value ?? 0n),
            gas: numberToHex(tx.gas),
            nonce: numberToHex(nonce),
          },
        ],
      };
    });
    const hashes = await this.batch<Hash>(sends);
    await this.batch([
      { method: 'anvil_setNextBlockTimestamp', params: [Number(timestamp)] },
      { method: 'evm_mine', params: [] },
    ]);
    const receipts = await this.batch<RpcReceipt | null>(hashes.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })));
    return receipts.map((r, i) => {
      const tx = txs[i]!;
      if (!r) throw new Error(`transaction ${hashes[i]} was not mined in the block at ${timestamp}`);
      const mined: MinedTx = {
        hash: r.transactionHash,
        from: getAddress(r.from),
        success: r.status === '0x1',
        blockNumber: BigInt(r.blockNumber),
        timestamp,
        contractAddress: r.contractAddress ? getAddress(r.contractAddress) : null,
        logs: r.logs.map((l) => ({
          address: getAddress(l.address),
          topics: l.topics,
          data: l.data,
          logIndex: Number(l.logIndex),
          transactionHash: l.transactionHash,
        })),
      };
      if (!mined.success && !options.allowRevert?.(tx)) throw new Error(`transaction ${r.transactionHash} from ${tx.from} reverted`);
      return mined;
    });
  }

  private async loadNonces(senders: Address[]): Promise<void> {
    const unknown = [...new Set(senders)].filter((s) => !this.nonces.has(s));
    const counts = await this.batch<Hex>(unknown.map((s) => ({ method: 'eth_getTransactionCount', params: [s, 'latest'] })));
    unknown.forEach((s, i) => this.nonces.set(s, BigInt(counts[i]!)));
  }
}

/**
 * Runs `script` with the chain's mining and clock under a driver's control (automine off), and
 * hands them back afterwards whatever happens: how every timed scenario plays.
 */
export async function driveDevnet<T>(rpcUrl: string, script: (driver: DevnetDriver) => Promise<T>): Promise<T> {
  const driver = new DevnetDriver(rpcUrl);
  await driver.takeControl();
  try {
    return await script(driver);
  } finally {
    await driver.releaseControl();
  }
}
