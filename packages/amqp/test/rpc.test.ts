import { EXCHANGES, HEADERS, QUEUES, ROUTING_KEYS } from '@oca/contracts';
import { withLogContext } from '@oca/observability';
import { RpcHandlerError, RpcRemoteError, RpcTimeoutError, type ConsumeContext } from '../src';
import { sleep, startBroker, stopBroker, uniquePrefix, type TestBroker } from './helpers';

describe('RPC over RabbitMQ (real broker)', () => {
  let server: TestBroker | undefined;
  let client: TestBroker | undefined;
  afterEach(async () => {
    await client?.broker.close();
    await stopBroker(server);
    server = client = undefined;
  });

  async function start(handle: (method: string, params: unknown, ctx: ConsumeContext) => Promise<unknown>) {
    const prefix = uniquePrefix();
    server = await startBroker(prefix);
    client = await startBroker(prefix);
    await server.broker.rpcServer(QUEUES.authRpc, handle);
    return client.broker;
  }

  it('answers calls, many at once, and carries the correlation id', async () => {
    const seen: string[] = [];
    const broker = await start(async (method, params, ctx) => {
      seen.push(String(ctx.headers[HEADERS.correlationId]));
      await sleep(Math.random() * 20);
      return { method, echo: params };
    });
    const answer = await withLogContext({ correlationId: 'req-42' }, () =>
      broker.rpc<{ method: string; echo: unknown }>(EXCHANGES.rpc, ROUTING_KEYS.authRpc, 'verifyApiKey', { key: 'k' }),
    );
    expect(answer).toEqual({ method: 'verifyApiKey', echo: { key: 'k' } });
    expect(seen).toEqual(['req-42']);

    const many = await Promise.all(
      Array.from({ length: 50 }, (_, i) => broker.rpc<{ echo: { i: number } }>(EXCHANGES.rpc, ROUTING_KEYS.authRpc, 'm', { i })),
    );
    expect(many.map((a) => a.echo.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('propagates RpcHandlerError codes and hides unexpected errors', async () => {
    const broker = await start(async (method) => {
      if (method === 'login') throw new RpcHandlerError('invalid_credentials', 'wrong email or password', { field: 'password' });
      throw new Error('db password is hunter2');
    });
    const remote = await broker.rpc(EXCHANGES.rpc, ROUTING_KEYS.authRpc, 'login', {}).catch((err: unknown) => err);
    expect(remote).toBeInstanceOf(RpcRemoteError);
    expect(remote).toMatchObject({ code: 'invalid_credentials', message: 'wrong email or password', details: { field: 'password' } });

    const internal = await broker.rpc(EXCHANGES.rpc, ROUTING_KEYS.authRpc, 'jwks', {}).catch((err: unknown) => err);
    expect(internal).toMatchObject({ code: 'internal', message: 'internal error' });
  });

  it('times out with RpcTimeoutError (code unavailable) when nobody answers', async () => {
    const prefix = uniquePrefix();
    server = await startBroker(prefix); // declares auth.rpc, but serves nothing
    const started = Date.now();
    const err = await server.broker
      .rpc(EXCHANGES.rpc, ROUTING_KEYS.authRpc, 'login', {}, { timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcTimeoutError);
    expect(err).toMatchObject({ code: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(2_000);
    // The request expired with the caller's patience instead of waiting for a server.
    await sleep(400);
    expect((await server.broker.queueDepth(QUEUES.authRpc)).messages).toBe(0);
  });
});
