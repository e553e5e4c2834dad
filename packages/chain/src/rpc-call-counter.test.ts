import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChainClients } from './chain-clients';
import { RpcCallCounter } from './rpc-call-counter';

/** A JSON-RPC node on 127.0.0.1 that answers every call with block 0x10, counting the calls it receives. */
async function startNode(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { id: number } | { id: number }[];
      const answer = (call: { id: number }) => ({ jsonrpc: '2.0', id: call.id, result: '0x10' });
      received += Array.isArray(parsed) ? parsed.length : 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Array.isArray(parsed) ? parsed.map(answer) : answer(parsed)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received: () => received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('RpcCallCounter', () => {
  let node: Awaited<ReturnType<typeof startNode>>;
  beforeAll(async () => (node = await startNode()));
  afterAll(() => node.close());

  it('counts the calls of each run apart, though the runs share one client and overlap', async () => {
    const clients = new ChainClients({ rpcUrls: { devnet: [node.url] } });
    const client = clients.get('devnet');
    const [a, b] = [new RpcCallCounter(), new RpcCallCounter()];
    const before = node.received();
    await Promise.all([
      a.run(async () => {
        await client.getBlockNumber({ cacheTime: 0 });
        await new Promise((r) => setTimeout(r, 5));
        // three at once: one HTTP batch, three calls
        await Promise.all([client.getBalance({ address: `0x${'11'.repeat(20)}` }), client.getTransactionCount({ address: `0x${'22'.repeat(20)}` }), client.getGasPrice()]);
      }),
      b.run(() => client.getGasPrice()),
    ]);
    expect([a.calls, b.calls]).toEqual([4, 1]);
    expect(node.received() - before).toBe(5);
  });

  it('counts nothing outside a run, and nothing after a run is read', async () => {
    const client = new ChainClients({ rpcUrls: { devnet: [node.url] } }).get('devnet');
    const counter = new RpcCallCounter();
    await client.getGasPrice();
    expect(counter.calls).toBe(0);
    const value = await counter.run(async () => {
      await client.getGasPrice();
      return 'done';
    });
    expect(value).toBe('done');
    await client.getGasPrice();
    expect(counter.calls).toBe(1);
  });
});
