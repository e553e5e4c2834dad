import { getAgent, PermanentAgentError, type AgentContext } from '@oca/agents';
import { isTransientRpcError, NetworkNotConfiguredError, type ChainClients } from '@oca/chain';
import { AGENT_CATALOG, isAgentName, type JobError } from '@oca/contracts';
import type { Logger } from 'pino';

export type RunOutcome =
  | { kind: 'succeeded'; result: unknown }
  | { kind: 'failed'; error: JobError }
  /** Worth another attempt later (RPC trouble, timeout) */
  | { kind: 'transient'; error: JobError };

export interface RunnerOptions {
  chain: ChainClients;
  logger: Logger;
  timeoutFactor: number;
  now?: () => Date;
}

/**
 * Runs one agent under its timeout and sorts the outcome: a result, a permanent failure (bad
 * params, unknown agent, unserved network, an agent bug) or a transient one to retry.
 */
export class JobRunner {
  constructor(private readonly options: RunnerOptions) {}

  async run(agentName: string, rawParams: unknown, logger: Logger, stop?: AbortSignal): Promise<RunOutcome> {
    if (!isAgentName(agentName)) {
      return { kind: 'failed', error: { code: 'unknown_agent', message: `Unknown agent "${agentName}"`, retryable: false } };
    }
    const agent = getAgent(agentName);
    const spec = AGENT_CATALOG[agentName];
    const params = spec.params.safeParse(rawParams);
    if (!params.success) {
      const issue = params.error.issues[0];
      return {
        kind: 'failed',
        error: { code: 'invalid_params', message: `params.${issue?.path.join('.')}: ${issue?.message}`, retryable: false },
      };
    }
    const timeoutMs = Math.round(spec.timeoutMs * this.options.timeoutFactor);
    const signal = stop ? AbortSignal.any([AbortSignal.timeout(timeoutMs), stop]) : AbortSignal.timeout(timeoutMs);
    const ctx: AgentContext = { chain: this.options.chain, logger, signal, now: this.options.now ?? (() => new Date()) };
    try {
      const result = await raceAbort(agent.run(params.data as never, ctx), signal);
      const checked = spec.result.safeParse(result);
      if (!checked.success) {
        logger.error({ issues: checked.error.issues.slice(0, 5) }, 'agent result failed its schema');
        return { kind: 'failed', error: { code: 'agent_error', message: 'The agent produced an invalid result', retryable: false } };
      }
      return { kind: 'succeeded', result: checked.data };
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

/** Rejects as soon as `signal` aborts, even if the agent ignores it. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
