import { findCreationBlock, isMethodUnsupported, type ChainClient, type RpcTrace } from '@oca/chain';
import { getAddress, isAddressEqual, toHex, type Address, type Hash } from 'viem';
import type { SecurityCreator } from './schemas';

/** A transaction receipt as `eth_getBlockReceipts` / `eth_getTransactionReceipt` return it (the fields read). */
interface RpcReceipt {
  transactionHash: Hash;
  blockNumber: string;
  from: Address;
  contractAddress?: Address | null;
}

/** Where the deployer search may start: what the Transfer scan already knows. */
export interface DeployerHints {
  /** The token's first mint (Transfer from 0x0): a constructor mint is in the creation transaction itself. */
  firstMintTx?: Hash;
  /** The token's creation block when the history scan searched for it (a long chain). */
  creationBlock?: bigint;
  blockNumber: bigint;
  signal?: AbortSignal;
}

/** What `findDeployer` returns: the result's `creator` plus the requests it cost. */
export type DeployerReading = Omit<SecurityCreator, 'address' | 'factory'> & { address: Address | null; factory: Address | null; requests: number };

const unknown = (reason: string, requests: number): DeployerReading => ({ address: null, transaction: null, factory: null, block: null, method: null, unknownReason: reason, requests });

/**
 * The deployer: the `from` of the transaction that created `token` (GoPlus's `creator_address`) —
 * not the sender of the first mint, which may be anyone the deployer let mint.
 *
 * 1. The first mint's receipt: when its `contractAddress` is the token, the mint ran in the
 *    constructor and that transaction is the creation (one request, the usual case).
 * 2. Otherwise the creation block (the history scan's, or `findCreationBlock`: `eth_getCode`
 *    bisection), then its receipts (`eth_getBlockReceipts`): a receipt whose `contractAddress` is
 *    the token names a direct deployment.
 * 3. Failing that a contract created it: `trace_filter` over that block for the token, whose
 *    `create` trace names the creating transaction and the factory. A node without `trace_filter`
 *    leaves a factory-created token's deployer unknown, and the result says why.
 */
export async function findDeployer(client: ChainClient, token: Address, hints: DeployerHints): Promise<DeployerReading> {
  let requests = 0;
  if (hints.firstMintTx) {
    requests++;
    // null when the node has pruned the transaction.
    const receipt = (await client.request({ method: 'eth_getTransactionReceipt', params: [hints.firstMintTx] })) as RpcReceipt | null;
    if (receipt?.contractAddress && isAddressEqual(receipt.contractAddress, token)) {
      const block = BigInt(receipt.blockNumber).toString();
      return { address: getAddress(receipt.from), transaction: receipt.transactionHash, factory: null, block, method: 'creation-receipt', unknownReason: null, requests };
    }
  }
  let block = hints.creationBlock;
  if (block === undefined) {
    const found = await findCreationBlock(client, token, hints.blockNumber, { signal: hints.signal });
    if (!found) return unknown('The token has no code at the pinned block.', requests);
    requests += found.requests;
    if (!found.proven) return unknown(`The node does not serve state before block ${found.block}, so the token's creation block is not known.`, requests);
    block = found.block;
  }
  hints.signal?.throwIfAborted();
  requests++;
  const receipts = ((await client.request({ method: 'eth_getBlockReceipts' as never, params: [toHex(block)] as never })) as RpcReceipt[] | null) ?? [];
  const blockText = block.toString();
  const direct = receipts.find((r) => r.contractAddress && isAddressEqual(r.contractAddress, token));
  if (direct) return { address: getAddress(direct.from), transaction: direct.transactionHash, factory: null, block: blockText, method: 'creation-receipt', unknownReason: null, requests };
  // No transaction deployed it directly: a contract did. Only traces tell which transaction called it.
  requests++;
  const traces = await (client.request({ method: 'trace_filter' as never, params: [{ fromBlock: toHex(block), toBlock: toHex(block), toAddress: [token] }] as never }) as Promise<RpcTrace[]>).catch(
    (err: unknown) => {
      if (isMethodUnsupported(err)) return null;
      throw err;
    },
  );
  if (traces === null) {
    return unknown(`A contract created the token in block ${blockText} (no transaction there deployed it directly) and the node offers no trace_filter to tell which transaction called it.`, requests);
  }
  const creation = traces.find((t) => t.type === 'create' && t.result?.address && isAddressEqual(t.result.address as Address, token) && t.transactionHash);
  const tx = creation ? receipts.find((r) => r.transactionHash === creation.transactionHash) : undefined;
  if (!creation || !tx) return unknown(`Neither the receipts nor the traces of block ${blockText} show the token's creation.`, requests);
  return {
    address: getAddress(tx.from),
    transaction: tx.transactionHash,
    factory: creation.action.from ? getAddress(creation.action.from) : null,
    block: blockText,
    method: 'creation-trace',
    unknownReason: null,
    requests,
  };
}
