import { EXCHANGES, JobExecute, QUEUES, ROUTING_KEYS } from '@oca/contracts';
import {
  forceCloseConnection,
  jobExecute,
  metricValue,
  startBroker,
  stopBroker,
  uniquePrefix,
  waitFor,
  type TestBroker,
} from './helpers';

describe('reconnect (real RabbitMQ)', () => {
  let t: TestBroker | undefined;
  afterEach(async () => {
    await stopBroker(t);
    t = undefined;
  });

  it('restores topology, consumers and RPC after the broker drops the connection', async () => {
    t = await startBroker(uniquePrefix());
    const { broker, registry, connectionName } = t;
    const received: string[] = [];
    await broker.consume(QUEUES.agentExecution, JobExecute, async (message) => {
      received.push(message.id);
    });
    await broker.rpcServer(QUEUES.authRpc, async (method) => `pong:${method}`);
    const before = jobExecute();
    await broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, before);
    await waitFor(() => received.length === 1, 5_000, 'first delivery');
    expect(await broker.rpc(EXCHANGES.rpc, ROUTING_KEYS.authRpc, 'ping', {})).toBe('pong:ping');

    await forceCloseConnection(connectionName);
    await waitFor(() => !broker.isConnected(), 5_000, 'disconnect');
    await waitFor(async () => (await metricValue(registry, 'oca_amqp_reconnects_total')) === 1, 15_000, 'reconnect');
    await waitFor(() => broker.isConnected(), 5_000, 'connected again');

    const after = jobExecute();
    await broker.publish(EXCHANGES.jobs, ROUTING_KEYS.jobExecute, after);
    await waitFor(() => received.includes(after.id), 10_000, 'delivery after reconnect');
    expect(await broker.queueDepth(QUEUES.agentExecution)).toEqual({ messages: 0, consumers: 1 });
    // The reply-to subscription and the RPC server consumer came back with the connection.
    expect(await broker.rpc(EXCHANGES.rpc, ROUTING_KEYS.authRpc, 'ping', {}, { timeoutMs: 3_000 })).toBe('pong:ping');
  });
});
