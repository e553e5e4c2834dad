import { TransactionReceiptNotFoundError, type Hash, type PublicClient, type TransactionReceipt } from 'viem';

/**
 * The receipt of a transaction sent to anvil, polled directly with `eth_getTransactionReceipt`.
 *
 * viem's `waitForTransactionReceipt` looks the receipt up once, then again only when a new block
 * arrives. anvil automines in the background: under load the first lookup can run before the
 * receipt is indexed, and when the test sends nothing else no further block ever comes — the wait
 * then sits out viem's 180 s default (a CI run lost a suite's setup to exactly that). Polling the
 * receipt itself needs no further block, and a bounded wait fails with the hash in the message.
 */
export async function receiptOf(client: Pick<PublicClient, 'getTransactionReceipt'>, hash: Hash, timeoutMs = 30_000): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await client.getTransactionReceipt({ hash });
    } catch (err) {
      if (!(err instanceof TransactionReceiptNotFoundError)) throw err;
    }
    if (Date.now() > deadline) throw new Error(`no receipt for transaction ${hash} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
