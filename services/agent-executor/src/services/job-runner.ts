import { abortable, getAgent, PermanentAgentError, type AgentContext, type AnyAgent, type OffchainMetadataOptions } from '@oca/agents';
import { isTransientRpcError, NetworkNotConfiguredError, RpcCallCounter, type ChainClients } from '@oca/chain';
import { AGENT_CATALOG, isAgentName, type AgentName, type JobError } from '@oca/contracts';
import type { Logger } from 'pino';

type Verdict =
  /** `params` as the agent's schema parsed them (defaults applied): what the result answers */
  | { kind: 'succeeded'; result: unknown; params: unknown }
  | { kind: 'failed'; error: JobError }
  /** Worth another attempt later (RPC trouble, timeout) */
  | { kind: 'transient'; error: JobError };

/** The verdict, and the chain JSON-RPC calls this run made (RpcCallCounter: this run's only, whatever ran beside it). */
export type RunOutcome = Verdict & { rpcCalls: number };

export interface RunnerOptions {
  chain: ChainClients;
  logger: Logger;
  /** Multiplies each agent's own timeout (AGENT_TIMEOUT_FACTOR). */
  timeoutFactor: number;
  now?: () => Date;
  /**
   * The agent behind a catalog name; undefined fails the job as `unknown_agent`. Tests inject a
   * fake here; the catalog entry still supplies the params and result schemas.
   * @default getAgent from @oca/agents
   */
  getAgent?: (name: AgentName) => AnyAgent | undefined;
  /**
   * An agent's timeout in ms, before `timeoutFactor` is applied.
   * @default AGENT_CATALOG[name].timeoutMs
   */
  agentTimeoutMs?: (name: AgentName) => number;
  /**
   * Off-chain NFT metadata fetching (NFT_* variables), handed to every agent's context.
   * @default undefined: on-chain metadata only
   */
  metadata?: OffchainMetadataOptions;
}

/**
 * Runs one agent under its timeout and sorts the outcome: a result, a permanent failure (bad
 * params, unknown agent, unserved network, an agent bug) or a transient one to retry.
 */
export class JobRunner {
  constructor(private readonly options: RunnerOptions) {}

  async run(agentName: string, rawParams: unknown, logger: Logger, stop?: AbortSignal): Promise<RunOutcome> {
    const counter = new RpcCallCounter();
    const verdict = await counter.run(() => this.judge(agentName, rawParams, logger, stop));
    // Read once the verdict is in: calls an agent still makes after its timeout are not this run's answer.
    return { ...verdict, rpcCalls: counter.calls };
  }

  private async judge(agentName: string, rawParams: unknown, logger: Logger, stop?: AbortSignal): Promise<Verdict> {
    if (!isAgentName(agentName)) return unknownAgent(agentName);
    const agent = (this.options.getAgent ?? getAgent)(agentName);
    if (!agent) return unknownAgent(agentName);
    const spec = AGENT_CATALOG[agentName];
    const params = spec.params.safeParse(rawParams);
    if (!params.success) {
      const issue = params.error.issues[0];
      // An issue at the root (params not an object) has an empty path: say "params", not "params.".
      const field = ['params', ...(issue?.path ?? []).map(String)].join('.');
      return { kind: 'failed', error: { code: 'invalid_params', message: `${field}: ${issue?.message}`, retryable: false } };
    }
    const baseTimeoutMs = this.options.agentTimeoutMs?.(agentName) ?? spec.timeoutMs;
    const timeoutMs = Math.round(baseTimeoutMs * this.options.timeoutFactor);
    const signal = stop ? AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]) : AbortSignal.timeout(timeoutMs);
    const ctx: AgentContext = { chain: this.options.chain, logger, signal, now: this.options.now ?? (() => new Date()), metadata: this.options.metadata };
    try {
      // Stops waiting as soon as the signal aborts, even if the agent ignores it.
      const result = await abortable(agent.run(params.data, ctx), signal);
      const checked = spec.result.safeParse(result);
      if (!checked.success) {
        logger.error({ issues: checked.error.issues.slice(0, 5) }, 'agent result failed its schema');
        return { kind: 'failed', error: { code: 'agent_error', message: 'The agent produced an invalid result', retryable: false } };
      }
      return { kind: 'succeeded', result: checked.data, params: params.data };
    } catch (err) {
      if (signal.aborted && !stop?.aborted) {
        return { kind: 'transient', error: { code: 'timeout', message: `The agent did not finish within ${timeoutMs} ms`, retryable: true } };
      }
      if (stop?.aborted) {
        return { kind: 'transient', error: { code: 'timeout', message: 'The executor stopped before the agent finished', retryable: true } };
      }
      if (err instanceof NetworkNotConfiguredError) {
        return { kind: 'failed', error: { code: 'network_not_configured', message: err.message, retryable: false } };
      }
      if (err instanceof PermanentAgentError) {
        return { kind: 'failed', error: { code: err.code, message: err.message, retryable: false } };
      }
      if (isTransientRpcError(err)) {
        logger.warn({ err }, 'transient RPC failure');
        return { kind: 'transient', error: { code: 'rpc_error', message: 'The chain RPC endpoint failed; retrying', retryable: true } };
      }
      logger.error({ err }, 'agent failed');
      return { kind: 'failed', error: { code: 'agent_error', message: 'The agent failed on this input', retryable: false } };
    }
  }
}

function unknownAgent(name: string): Verdict {
  return { kind: 'failed', error: { code: 'unknown_agent', message: `Unknown agent "${name}"`, retryable: false } };
}
