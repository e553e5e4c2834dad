/**
 * The executor's failure semantics, end to end through the real RabbitMQ, Redis and an anvil
 * devnet with the testkit scenario, the executor started in-process with createExecutorApp():
 * transient failures go through the retry queues and end in ONE answer, permanent ones fail at
 * once, canceled and finished jobs are not run, and concurrency is the configured prefetch.
 * Faults are injected at the HTTP boundary of the chain (testkit's RPC proxy, a slow forwarder);
 * nothing inside the executor is stubbed. Each test gets its own AMQP and Redis prefix.
 */
import { AddressResult, AGENT_CATALOG, JOB_MARKER_TTL_SECONDS, QUEUES, REDIS_KEYS, type JobCompleted } from '@oca/contracts';
import { DEMO_TOKEN, deployScenario, startAnvil, startRpcProxy, type AnvilInstance, type RpcProxy, type Scenario } from '@oca/testkit';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS, sleep, startHarness, until, type Harness } from './executor-harness';
import { startSlowRpc, type SlowRpc } from './slow-rpc';

// jest 30 ignores the root config's per-project testTimeout; anvil start-up needs the headroom.
jest.setTimeout(30_000);

/** How long "nothing else happened" is watched for before the test trusts it. */
const QUIET_MS = 500;

let anvil: AnvilInstance;
let scenario: Scenario;
let h: Harness | undefined;
let proxy: RpcProxy | undefined;
let slow: SlowRpc | undefined;

beforeAll(async () => {
  anvil = await startAnvil();
  scenario = await deployScenario(anvil.rpcUrl);
});

afterEach(async () => {
  try {
    await h?.close();
  } finally {
    await Promise.all([proxy?.stop(), slow?.stop()]);
    h = proxy = slow = undefined;
  }
});

afterAll(async () => {
  await anvil?.stop();
});

const erc20Params = () => ({ network: 'devnet', address: scenario.erc20 });

async function completionOf(jobId: string, timeoutMs = 10_000): Promise<JobCompleted> {
  return until(() => h!.completedOf(jobId)[0], `job.completed of ${jobId}`, timeoutMs);
}

/** Attempts logged by the executor for `jobId`: the consumer's `x-attempt` header as the handler saw it. */
function attemptsLogged(jobId: string): number[] {
  return h!.logs.filter((l) => l.jobId === jobId && l.msg === 'job started').map((l) => l.attempt as number);
}

async function expectDeadLetterQueueEmpty(): Promise<void> {
  expect(await h!.metric('oca_amqp_messages_dead_lettered_total')).toBe(0);
  expect((await h!.broker.queueDepth(QUEUES.deadLetter)).messages).toBe(0);
}

it('runs a job for the scenario ERC-20: job.started, then job.completed succeeded with the agent result', async () => {
  proxy = await startRpcProxy({ upstream: anvil.rpcUrl });
  h = await startHarness(proxy.url);

  const job = await h.submit('address', { network: 'devnet', address: scenario.erc20.toLowerCase() });
  const done = await completionOf(job.jobId!);

  const messages = h.completions.filter((m) => m.jobId === job.jobId);
  expect(messages.map((m) => m.type)).toEqual(['job.started', 'job.completed']);
  expect(done).toMatchObject({ jobId: job.jobId, correlationId: job.correlationId });
  expect(done.payload).toMatchObject({ agent: 'address', status: 'succeeded' });
  expect(done.payload.error).toBeUndefined();
  // What the cache service keys the result on: the parsed params and the agent's catalog version.
  expect(done.payload).toMatchObject({ params: { network: 'devnet', address: scenario.erc20.toLowerCase() }, agentVersion: AGENT_CATALOG.address.version });
  const result = AddressResult.parse(done.payload.result);
  expect(result).toMatchObject({ agent: 'address', network: 'devnet', target: scenario.erc20, blockNumber: scenario.blockNumber });
  expect(result.data).toMatchObject({
    kind: 'contract',
    token: {
      standard: 'ERC20',
      name: DEMO_TOKEN.name,
      symbol: DEMO_TOKEN.symbol,
      decimals: DEMO_TOKEN.decimals,
      totalSupply: DEMO_TOKEN.totalSupply.toString(),
    },
  });
  expect(attemptsLogged(job.jobId!)).toEqual([1]);
  expect(await h.metric('oca_executor_agent_runs_total', { agent: 'address', outcome: 'succeeded' })).toBe(1);
  // The run's JSON-RPC calls: on the completion, on the counter, and as many as reached the node.
  expect(done.payload.rpcCalls).toBeGreaterThan(0);
  expect(await h.metric('oca_executor_rpc_calls_total', { agent: 'address' })).toBe(done.payload.rpcCalls);
  expect(proxy.calls()).toHaveLength(done.payload.rpcCalls!);
  expect(await h.metric('oca_executor_agent_failures_total')).toBe(0);
  // The done marker guards against redelivery for longer than any retry schedule.
  const doneKey = REDIS_KEYS.jobDone(h.redisPrefix, job.jobId!);
  expect(await h.redis.get(doneKey)).toBe('1');
  expect(await h.redis.ttl(doneKey)).toBeGreaterThan(JOB_MARKER_TTL_SECONDS - 60);
});

it('retries a job through the retry queue while the RPC answers 503, then succeeds', async () => {
  let injected = 0;
  proxy = await startRpcProxy({
    upstream: anvil.rpcUrl,
    // Enough 503s to fail the first attempt (viem tries each request twice), then the node is back.
    intercept: () => (injected < 2 ? (injected++, { status: 503, body: { error: 'injected 503' } }) : undefined),
  });
  h = await startHarness(proxy.url);

  const job = await h.submit('address', erc20Params());
  const done = await completionOf(job.jobId!);

  expect(done.payload.status).toBe('succeeded');
  expect(AddressResult.parse(done.payload.result).target).toBe(scenario.erc20);
  const attempts = attemptsLogged(job.jobId!);
  expect(attempts.length).toBeGreaterThanOrEqual(2);
  expect(attempts).toEqual(Array.from({ length: attempts.length }, (_, i) => i + 1));
  // One job.started per attempt; the second waited out the first back-off step in the retry queue.
  const started = h.startedOf(job.jobId!);
  expect(started).toHaveLength(attempts.length);
  const backoffMs = Date.parse(started[1]!.payload.startedAt) - Date.parse(started[0]!.payload.startedAt);
  expect(backoffMs).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0]!);
  expect(await h.metric('oca_executor_agent_runs_total', { outcome: 'retry' })).toBe(attempts.length - 1);
  expect(await h.metric('oca_amqp_messages_retried_total', { queue: QUEUES.agentExecution })).toBe(attempts.length - 1);
  expect(await h.metric('oca_executor_agent_runs_total', { outcome: 'succeeded' })).toBe(1);
  expect(injected).toBe(2);

  await sleep(QUIET_MS);
  expect(h.completedOf(job.jobId!)).toHaveLength(1);
});

it('answers a job whose RPC always fails with ONE failed rpc_error completion after the retry cap, never a silent dead letter', async () => {
  proxy = await startRpcProxy({ upstream: anvil.rpcUrl, intercept: () => ({ status: 503 }) });
  h = await startHarness(proxy.url);

  const job = await h.submit('address', erc20Params());
  const done = await completionOf(job.jobId!);

  expect(done.payload.status).toBe('failed');
  expect(done.payload.result).toBeUndefined();
  expect(done.payload.error).toEqual({
    code: 'rpc_error',
    retryable: true,
    message: expect.stringContaining(`gave up after ${MAX_ATTEMPTS} attempts`),
  });
  expect(attemptsLogged(job.jobId!)).toEqual([1, 2, 3]);
  expect(h.startedOf(job.jobId!)).toHaveLength(MAX_ATTEMPTS);
  expect(await h.metric('oca_executor_agent_runs_total', { outcome: 'retry' })).toBe(RETRY_DELAYS_MS.length);
  expect(await h.metric('oca_executor_agent_runs_total', { outcome: 'failed' })).toBe(1);
  // every attempt ended in rpc_error; each one's calls count, though none was answered
  expect(await h.metric('oca_executor_agent_failures_total', { agent: 'address', code: 'rpc_error' })).toBe(MAX_ATTEMPTS);
  expect(done.payload.rpcCalls).toBeGreaterThan(0);
  expect(await h.metric('oca_executor_rpc_calls_total', { agent: 'address' })).toBeGreaterThanOrEqual(MAX_ATTEMPTS * done.payload.rpcCalls!);

  await sleep(QUIET_MS);
  expect(h.completedOf(job.jobId!)).toHaveLength(1);
  await expectDeadLetterQueueEmpty();
  await h.stopExecutor();
  expect((await h.broker.queueDepth(QUEUES.agentExecution)).messages).toBe(0);
});

it('times an agent out after its timeout × AGENT_TIMEOUT_FACTOR and retries it like an RPC failure', async () => {
  // The node answers after 3 s; the address agent's 20 s timeout × 0.01 gives up after 200 ms.
  slow = await startSlowRpc(anvil.rpcUrl, 3_000);
  h = await startHarness(slow.url, { AGENT_TIMEOUT_FACTOR: '0.01' });

  const job = await h.submit('address', erc20Params());
  const done = await completionOf(job.jobId!);

  expect(done.payload.status).toBe('failed');
  expect(done.payload.error).toEqual({
    code: 'timeout',
    retryable: true,
    message: expect.stringMatching(new RegExp(`within 200 ms.*gave up after ${MAX_ATTEMPTS} attempts`)),
  });
  expect(done.payload.durationMs).toBeLessThan(2_000);
  expect(attemptsLogged(job.jobId!)).toEqual([1, 2, 3]);
  expect(await h.metric('oca_executor_agent_runs_total', { outcome: 'retry' })).toBe(RETRY_DELAYS_MS.length);
  await expectDeadLetterQueueEmpty();
});

it.each([
  ['invalid params', 'address', { network: 'devnet', address: '0x1234' }, 'invalid_params'],
  ['an unknown agent', 'no-such-agent', { network: 'devnet' }, 'unknown_agent'],
])('fails %s at once: attempt 1, no retry, no RPC call', async (_what, agent, params, code) => {
  proxy = await startRpcProxy({ upstream: anvil.rpcUrl });
  h = await startHarness(proxy.url);

  const job = await h.submit(agent, params);
  const done = await completionOf(job.jobId!);

  expect(done.payload).toMatchObject({ agent, status: 'failed', error: { code, retryable: false } });
  expect(done.payload.params).toBeUndefined();
  expect(attemptsLogged(job.jobId!)).toEqual([1]);
  expect(h.startedOf(job.jobId!)).toHaveLength(1);
  await sleep(QUIET_MS);
  expect(h.completedOf(job.jobId!)).toHaveLength(1);
  expect(await h.metric('oca_executor_agent_runs_total', { outcome: 'retry' })).toBe(0);
  expect(await h.metric('oca_amqp_messages_retried_total')).toBe(0);
  expect(proxy.requests).toHaveLength(0);
  expect(done.payload.rpcCalls).toBe(0);
  expect(await h.metric('oca_executor_agent_failures_total', { agent, code })).toBe(1);
  await expectDeadLetterQueueEmpty();
});

it('does not run a canceled job: no job.started, no completion, and the message is acked', async () => {
  proxy = await startRpcProxy({ upstream: anvil.rpcUrl });
  h = await startHarness(proxy.url);

  // The gateway writes the marker when the job is canceled while still queued.
  const job = h.newJob('address', erc20Params());
  await h.redis.set(REDIS_KEYS.jobCanceled(h.redisPrefix, job.jobId!), '1', 'EX', 60);
  await h.publish(job);

  await until(async () => (await h!.metric('oca_executor_agent_runs_total', { outcome: 'skipped_canceled' })) === 1, 'the skip');
  await sleep(QUIET_MS);
  expect(h.completions.filter((m) => m.jobId === job.jobId)).toEqual([]);
  expect(proxy.requests).toHaveLength(0);
  expect(await h.metric('oca_amqp_messages_consumed_total', { queue: QUEUES.agentExecution, outcome: 'ack' })).toBe(1);
  await expectDeadLetterQueueEmpty();
  // An unacked message would go back to the queue once the executor's channel closes.
  await h.stopExecutor();
  expect((await h.broker.queueDepth(QUEUES.agentExecution)).messages).toBe(0);
});

it('does not run a finished job again when it is delivered a second time', async () => {
  proxy = await startRpcProxy({ upstream: anvil.rpcUrl });
  h = await startHarness(proxy.url);

  const job = await h.submit('address', erc20Params());
  expect((await completionOf(job.jobId!)).payload.status).toBe('succeeded');
  // The executor sets the done marker once the completion is confirmed, which can be after the
  // completion reached our queue (every queue bound to the fanout must have it first).
  await until(async () => (await h!.redis.get(REDIS_KEYS.jobDone(h!.redisPrefix, job.jobId!))) === '1', 'the done marker');
  const rpcRequests = proxy.requests.length;

  await h.publish(job);
  await until(async () => (await h!.metric('oca_executor_agent_runs_total', { outcome: 'skipped_done' })) === 1, 'the skip');
  await sleep(QUIET_MS);
  expect(h.startedOf(job.jobId!)).toHaveLength(1);
  expect(h.completedOf(job.jobId!)).toHaveLength(1);
  expect(proxy.requests).toHaveLength(rpcRequests);
  expect(await h.metric('oca_executor_agent_runs_total', { outcome: 'succeeded' })).toBe(1);
  await h.stopExecutor();
  expect((await h.broker.queueDepth(QUEUES.agentExecution)).messages).toBe(0);
});

it('runs at most EXECUTOR_CONCURRENCY jobs at once (the consumer prefetch), and uses all of them', async () => {
  slow = await startSlowRpc(anvil.rpcUrl, 150);
  h = await startHarness(slow.url, { EXECUTOR_CONCURRENCY: '2' });

  const jobs = await Promise.all(Array.from({ length: 5 }, () => h!.submit('address', erc20Params())));
  const done = await Promise.all(jobs.map((job) => completionOf(job.jobId!, 20_000)));

  expect(done.map((d) => d.payload.status)).toEqual(Array(5).fill('succeeded'));
  const runs = done.map((d) => ({ from: Date.parse(d.payload.startedAt), to: Date.parse(d.payload.finishedAt) }));
  // Jobs running at the moment each one started (itself included).
  const overlap = runs.map((run) => runs.filter((other) => other.from <= run.from && run.from < other.to).length);
  expect(Math.max(...overlap)).toBe(2);
});
