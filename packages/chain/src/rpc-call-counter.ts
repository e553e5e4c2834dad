import { AsyncLocalStorage } from 'node:async_hooks';

const active = new AsyncLocalStorage<RpcCallCounter>();

/**
 * Counts the JSON-RPC calls made on behalf of one unit of work (an agent run), although the viem
 * clients of `ChainClients` are shared by every job of a process: the counter travels with the
 * work's async context (AsyncLocalStorage), and the clients' transport adds each call to the
 * counter of the context that made it. Outside `run` nothing is counted.
 *
 * A call is one JSON-RPC method call as the agent asked for it: HTTP batching does not merge
 * calls (a batch of five is five), a Multicall3 `aggregate3` is one call (and counts for the run
 * whose read opened that batch window), and a retry by the fallback transport is not a new call.
 */
export class RpcCallCounter {
  private count = 0;

  get calls(): number {
    return this.count;
  }

  /** Runs `work` with this counter as the current one for every call it makes, synchronously or later. */
  run<T>(work: () => T): T {
    return active.run(this, work);
  }

  /** @internal the transport's hook */
  add(): void {
    this.count += 1;
  }
}

/** Adds one call to the current context's counter, if any (called by ChainClients' transport). */
export function countRpcCall(): void {
  active.getStore()?.add();
}
