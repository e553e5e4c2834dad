import type { ChainClients } from '@oca/chain';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { OffchainMetadataOptions } from './nft/metadata-fetch';

/** Everything an agent may touch. Agents do no I/O except through this. */
export interface AgentContext {
  /** viem clients per configured network. */
  chain: ChainClients;
  /** Already carries `jobId`/`correlationId` bindings from the executor. */
  logger: Logger;
  /** Aborted on job timeout, cancellation or shutdown; agents stop and throw `signal.reason`. */
  signal: AbortSignal;
  /** The clock, injected so results are reproducible in tests. */
  now(): Date;
  /**
   * How the nft agent fetches off-chain token metadata (IPFS gateway, HTTP, budgets). Absent:
   * only on-chain (`data:`) metadata is read.
   */
  metadata?: OffchainMetadataOptions;
}

/**
 * An analysis agent: a pure-ish function of its params and the chain. `params` validates input
 * before `run` (the executor parses, so `run` receives typed params); `result` is what `run`
 * resolves to and must parse.
 *
 * Errors: throw `PermanentAgentError` for input that is well-formed but unusable (never retried);
 * RPC errors propagate unchanged so the executor can classify them with `isTransientRpcError`.
 */
export interface Agent<P, R> {
  readonly name: string;
  readonly params: z.ZodType<P>;
  readonly result: z.ZodType<R>;
  run(params: P, ctx: AgentContext): Promise<R>;
}
