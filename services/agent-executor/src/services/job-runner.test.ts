/**
 * JobRunner's outcome sorting: succeeded, failed (permanent, never retried) or transient (retried
 * by the broker's retry queues). The agent is a STUB injected at the runner's `getAgent` seam so
 * each failure can be produced on demand; the params and result schemas are still the real
 * AGENT_CATALOG entry, and errors are classified by the real `isTransientRpcError`. The real
 * agent, chain and broker are exercised in test/executor.test.ts.
 */
import { PermanentAgentError, type AgentContext, type AnyAgent } from '@oca/agents';
import { ChainClients, isTransientRpcError } from '@oca/chain';
import { AddressParams, AddressResult, type AgentName } from '@oca/contracts';
import { createLogger } from '@oca/observability';
import { JobRunner, type RunnerOptions } from './job-runner';

const logger = createLogger({ service: 'job-runner-test', level: 'silent' });
const NOW = new Date('2025-01-02T03:04:05.000Z');
const PARAMS = { network: 'devnet', address: '0x5FbDB2315678afecb367f032d93F642f64180aa3' };

/** A result the real AddressResult schema accepts. */
const RESULT: AddressResult = {
  agent: 'address',
  network: 'devnet',
  target: PARAMS.address,
  blockNumber: '12',
  generatedAt: NOW.toISOString(),
  summary: 'an EOA',
  findings: [{ severity: 'info', title: 'Externally owned account', evidence: 'no code' }],
  data: {
    kind: 'eoa',
    balanceWei: '1500000000000000000',
    balance: '1.5',
    nonce: 0,
    codeSize: 0,
    codeHash: null,
    token: null,
    proxy: null,
  },
};

type Run = (params: unknown, ctx: AgentContext) => Promise<unknown>;

/** A stand-in for the `address` agent whose run() the test controls. */
function stubAgent(run: Run): AnyAgent & { run: jest.Mock<ReturnType<Run>, Parameters<Run>> } {
  return { name: 'address', params: AddressParams, result: AddressResult, run: jest.fn(run) };
}

function runnerWith(agent: AnyAgent | undefined, options: Partial<RunnerOptions> = {}) {
  const getAgent = jest.fn((_name: AgentName) => agent);
  const runner = new JobRunner({
    chain: new ChainClients({ rpcUrls: {} }),
    logger,
    timeoutFactor: 1,
    now: () => NOW,
    getAgent,
    ...options,
  });
  return { runner, getAgent };
}

/** The shape an RPC error has when it reaches the runner: viem's HttpRequestError under a wrapper. */
function rateLimited(): Error {
  const http = Object.assign(new Error('HTTP request failed. Status: 429'), { name: 'HttpRequestError', status: 429 });
  return Object.assign(new Error('The request took too long / failed', { cause: http }), { name: 'CallExecutionError' });
}

describe('JobRunner', () => {
  it('succeeds with the result as parsed by the catalog result schema, and hands the agent typed params, a signal and the clock', async () => {
    const agent = stubAgent(async () => ({ ...RESULT, internalDebug: 'stripped by the schema' }));
    const { runner } = runnerWith(agent);

    const outcome = await runner.run('address', PARAMS, logger);

    expect(outcome).toEqual({ rpcCalls: 0, kind: 'succeeded', result: RESULT, params: PARAMS });
    expect(agent.run).toHaveBeenCalledTimes(1);
    const [params, ctx] = agent.run.mock.calls[0]!;
    expect(params).toEqual(PARAMS);
    expect(ctx.signal).toBeInstanceOf(AbortSignal);
    expect(ctx.signal.aborted).toBe(false);
    expect(ctx.now()).toBe(NOW);
  });

  it('hands every agent the off-chain metadata settings it was built with (NFT_*), and none when unset', async () => {
    const agent = stubAgent(async () => RESULT);
    const metadata = { ipfsGateway: 'https://gateway.example', fetchHttp: false, maxFetches: 10 };
    await runnerWith(agent, { metadata }).runner.run('address', PARAMS, logger);
    await runnerWith(agent).runner.run('address', PARAMS, logger);
    expect(agent.run.mock.calls.map(([, ctx]) => ctx.metadata)).toEqual([metadata, undefined]);
  });

  it('fails invalid params as invalid_params without running the agent', async () => {
    const agent = stubAgent(async () => RESULT);
    const { runner } = runnerWith(agent);

    const outcome = await runner.run('address', { ...PARAMS, address: '0x1234' }, logger);

    expect(outcome).toEqual({
      rpcCalls: 0,
      kind: 'failed',
      error: { code: 'invalid_params', message: expect.stringMatching(/^params\.address: /), retryable: false },
    });
    expect(agent.run).not.toHaveBeenCalled();
  });

  it('names the params object itself when it is not an object at all', async () => {
    const agent = stubAgent(async () => RESULT);
    const { runner } = runnerWith(agent);

    const outcome = await runner.run('address', null, logger);

    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'invalid_params', message: expect.stringMatching(/^params: /) } });
    expect(agent.run).not.toHaveBeenCalled();
  });

  it('fails an agent name outside the catalog as unknown_agent without looking it up', async () => {
    const agent = stubAgent(async () => RESULT);
    const { runner, getAgent } = runnerWith(agent);

    const outcome = await runner.run('no-such-agent', PARAMS, logger);

    expect(outcome).toEqual({
      rpcCalls: 0,
      kind: 'failed',
      error: { code: 'unknown_agent', message: 'Unknown agent "no-such-agent"', retryable: false },
    });
    expect(getAgent).not.toHaveBeenCalled();
  });

  it('fails a catalog name with no agent behind it as unknown_agent', async () => {
    const { runner } = runnerWith(undefined);

    expect(await runner.run('address', PARAMS, logger)).toMatchObject({ kind: 'failed', error: { code: 'unknown_agent', retryable: false } });
  });

  it.each(['invalid_params', 'agent_error'] as const)('fails a PermanentAgentError(%s) at once with its code and message', async (code) => {
    const agent = stubAgent(async () => {
      throw new PermanentAgentError(code, 'address has an invalid checksum', 'address');
    });
    const { runner } = runnerWith(agent);

    const outcome = await runner.run('address', PARAMS, logger);

    expect(outcome).toEqual({ rpcCalls: 0, kind: 'failed', error: { code, message: 'address has an invalid checksum', retryable: false } });
  });

  it('fails a network without an RPC URL as network_not_configured', async () => {
    const agent = stubAgent(async (_params, ctx) => ctx.chain.get('devnet'));
    const { runner } = runnerWith(agent);

    expect(await runner.run('address', PARAMS, logger)).toMatchObject({
      kind: 'failed',
      error: { code: 'network_not_configured', retryable: false },
    });
  });

  it('reports an RPC error that isTransientRpcError accepts as transient rpc_error', async () => {
    const err = rateLimited();
    expect(isTransientRpcError(err)).toBe(true);
    const agent = stubAgent(async () => {
      throw err;
    });
    const { runner } = runnerWith(agent);

    const outcome = await runner.run('address', PARAMS, logger);

    expect(outcome).toEqual({ rpcCalls: 0, kind: 'transient', error: { code: 'rpc_error', message: expect.any(String), retryable: true } });
    if (outcome.kind !== 'transient') throw new Error('unreachable');
    expect(outcome.error.message).not.toContain('429');
  });

  it('fails an error isTransientRpcError rejects (a revert) as agent_error without leaking its message', async () => {
    const revert = Object.assign(new Error('execution reverted: secret-internal-detail'), { code: 3 });
    expect(isTransientRpcError(revert)).toBe(false);
    const agent = stubAgent(async () => {
      throw revert;
    });
    const { runner } = runnerWith(agent);

    const outcome = await runner.run('address', PARAMS, logger);

    expect(outcome).toEqual({ rpcCalls: 0, kind: 'failed', error: { code: 'agent_error', message: expect.any(String), retryable: false } });
    expect(JSON.stringify(outcome)).not.toContain('secret-internal-detail');
  });

  it('gives up on an agent that ignores its signal and never settles: transient timeout, on time, signal aborted', async () => {
    const agent = stubAgent(() => new Promise<never>(() => undefined));
    const { runner } = runnerWith(agent, { agentTimeoutMs: () => 50, timeoutFactor: 2 });

    const started = Date.now();
    const outcome = await runner.run('address', PARAMS, logger);
    const elapsed = Date.now() - started;

    expect(outcome).toEqual({
      rpcCalls: 0,
      kind: 'transient',
      error: { code: 'timeout', message: 'The agent did not finish within 100 ms', retryable: true },
    });
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(2_000);
    // An agent that does listen is told to stop.
    expect(agent.run.mock.calls[0]![1].signal.aborted).toBe(true);
  });

  it('reports a stop of the executor mid-run as transient, so the job is retried', async () => {
    const agent = stubAgent(() => new Promise<never>(() => undefined));
    const { runner } = runnerWith(agent);
    const stop = new AbortController();

    const running = runner.run('address', PARAMS, logger, stop.signal);
    stop.abort();

    expect(await running).toEqual({
      rpcCalls: 0,
      kind: 'transient',
      error: { code: 'timeout', message: 'The executor stopped before the agent finished', retryable: true },
    });
  });

  it('fails a result that does not match its schema as agent_error, without leaking the result', async () => {
    const agent = stubAgent(async () => ({ ...RESULT, blockNumber: 12n, summary: 'secret-internal-detail' }));
    const { runner } = runnerWith(agent);

    const outcome = await runner.run('address', PARAMS, logger);

    expect(outcome).toEqual({
      rpcCalls: 0,
      kind: 'failed',
      error: { code: 'agent_error', message: 'The agent produced an invalid result', retryable: false },
    });
    expect(JSON.stringify(outcome)).not.toMatch(/secret-internal-detail|blockNumber/);
  });

  it('fails an unexpected agent bug as agent_error without leaking its message', async () => {
    const agent = stubAgent(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'secret-internal-detail')");
    });
    const { runner } = runnerWith(agent);

    const outcome = await runner.run('address', PARAMS, logger);

    expect(outcome).toMatchObject({ kind: 'failed', error: { code: 'agent_error', retryable: false } });
    expect(JSON.stringify(outcome)).not.toContain('secret-internal-detail');
  });
});
