import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAnvil, startRpcProxy, type AnvilInstance } from '@oca/testkit';
import { createTestClient, erc20Abi, http } from 'viem';
import { foundry } from 'viem/chains';
import { ChainClients, isExecutionError, isTransientRpcError } from '../src';

// The root jest.config.js sets testTimeout per project, which jest 30 does not apply to tests
// (they get the 5 s default); anvil start-up on a loaded 2-core runner needs more headroom.
jest.setTimeout(30_000);

// Error classification against real viem errors from a real node, not hand-built ones.
let anvil: AnvilInstance;

beforeAll(async () => {
  anvil = await startAnvil();
});

afterAll(async () => {
  await anvil?.stop();
});

/** A port nothing listens on: connection refused. */
const DEAD_URL = 'http://127.0.0.1:9';
const NO_CODE = '0x00000000000000000000000000000000000000aa';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('ChainClients against anvil', () => {
  it('reads the devnet through the configured URL', async () => {
    const clients = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } });
    await expect(clients.get('devnet').getChainId()).resolves.toBe(anvil.chainId);
  });

  it('falls back to the next URL when the first refuses connections or answers 503', async () => {
    const unavailable = await startRpcProxy({ upstream: anvil.rpcUrl, intercept: () => ({ status: 503 }) });
    try {
      const clients = new ChainClients({ rpcUrls: { devnet: [DEAD_URL, unavailable.url, anvil.rpcUrl] }, retryCount: 0 });
      await expect(clients.get('devnet').getBlockNumber()).resolves.toBeGreaterThanOrEqual(0n);
      expect(unavailable.requests.length).toBeGreaterThan(0);
    } finally {
      await unavailable.stop();
    }
  });
});

describe('eth_getLogs beside the other reads', () => {
  it('travels in the same JSON-RPC batch as the reads made in the same tick', async () => {
    const recorder = await startRpcProxy({ upstream: anvil.rpcUrl });
    try {
      const client = new ChainClients({ rpcUrls: { devnet: [recorder.url] } }).get('devnet');
      await Promise.all([client.getBlockNumber(), client.request({ method: 'eth_getLogs', params: [{ fromBlock: '0x0', toBlock: '0x0' }] }), client.getBalance({ address: NO_CODE })]);
      expect(recorder.requests.map((r) => r.calls.map((c) => c.method))).toEqual([['eth_blockNumber', 'eth_getLogs', 'eth_getBalance']]);
    } finally {
      await recorder.stop();
    }
  });

  it('still moves on to the next URL when the first answers 503, but not when it refuses the range', async () => {
    const unavailable = await startRpcProxy({ upstream: anvil.rpcUrl, intercept: () => ({ status: 503 }) });
    const refusing = await startRpcProxy({
      upstream: anvil.rpcUrl,
      intercept: () => ({ status: 200, body: { jsonrpc: '2.0', id: 0, error: { code: -32005, message: 'query returned more than 10000 results' } } }),
    });
    const backup = await startRpcProxy({ upstream: anvil.rpcUrl });
    try {
      const getLogs = (urls: string[]) =>
        new ChainClients({ rpcUrls: { devnet: urls } }).get('devnet').request({ method: 'eth_getLogs', params: [{ fromBlock: '0x0', toBlock: '0x0' }] });
      await expect(getLogs([unavailable.url, backup.url])).resolves.toEqual([]);
      expect(backup.requests).toHaveLength(1);
      // A refusal is the pager's to split, not a reason to try elsewhere (or again).
      await expect(getLogs([refusing.url, backup.url])).rejects.toThrow(/more than 10000 results/);
      expect(refusing.requests).toHaveLength(1);
      expect(backup.requests).toHaveLength(1);
    } finally {
      await Promise.all([unavailable.stop(), refusing.stop(), backup.stop()]);
    }
  });
});

describe('isTransientRpcError on real failures', () => {
  it('is true when the node refuses connections', async () => {
    const clients = new ChainClients({ rpcUrls: { devnet: [DEAD_URL] }, retryCount: 0 });
    expect(isTransientRpcError(await failure(clients.get('devnet').getBlockNumber()))).toBe(true);
  });

  it('is true for HTTP 429 and false for HTTP 401', async () => {
    const limited = await startRpcProxy({ upstream: anvil.rpcUrl, intercept: () => ({ status: 429 }) });
    const unauthorised = await startRpcProxy({ upstream: anvil.rpcUrl, intercept: () => ({ status: 401 }) });
    try {
      const clients = new ChainClients({ rpcUrls: { devnet: [limited.url], base: [unauthorised.url] }, retryCount: 0 });
      expect(isTransientRpcError(await failure(clients.get('devnet').getBlockNumber()))).toBe(true);
      expect(isTransientRpcError(await failure(clients.get('base').getBlockNumber()))).toBe(false);
    } finally {
      await Promise.all([limited.stop(), unauthorised.stop()]);
    }
  });

  it('is true when the node is too slow for timeoutMs', async () => {
    // Accepts the request and never answers.
    const stalled = createServer(() => undefined);
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const { port } = stalled.address() as AddressInfo;
    try {
      const clients = new ChainClients({ rpcUrls: { devnet: [`http://127.0.0.1:${port}`] }, timeoutMs: 100, retryCount: 0 });
      const err = await failure(clients.get('devnet').getBlockNumber());
      expect(err).toMatchObject({ name: expect.stringMatching(/Timeout/) });
      expect(isTransientRpcError(err)).toBe(true);
    } finally {
      stalled.closeAllConnections();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });

  it('is false for a revert and for an EVM halt (anvil answers -32603), which are execution errors', async () => {
    const clients = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } });
    const client = clients.get('devnet');
    // ERC-20 call to an address whose code is a bare revert / an INVALID opcode.
    const cheats = createTestClient({ chain: foundry, mode: 'anvil', transport: http(anvil.rpcUrl) });
    await cheats.setCode({ address: '0x00000000000000000000000000000000000000bb', bytecode: '0x60006000fd' });
    await cheats.setCode({ address: '0x00000000000000000000000000000000000000cc', bytecode: '0xfe' });
    for (const address of ['0x00000000000000000000000000000000000000bb', '0x00000000000000000000000000000000000000cc'] as const) {
      const err = await failure(client.readContract({ address, abi: erc20Abi, functionName: 'totalSupply' }));
      expect(isTransientRpcError(err)).toBe(false);
      expect(isExecutionError(err)).toBe(true);
    }
    // No code: the call succeeds with empty data, which viem reports as a decoding problem.
    const empty = await failure(client.readContract({ address: NO_CODE, abi: erc20Abi, functionName: 'totalSupply' }));
    expect(isTransientRpcError(empty)).toBe(false);
  });

  it('is false for invalid params', async () => {
    const client = new ChainClients({ rpcUrls: { devnet: [anvil.rpcUrl] } }).get('devnet');
    const err = await failure(client.request({ method: 'eth_getBalance' as never, params: ['not-an-address', 'latest'] as never }));
    expect(isTransientRpcError(err)).toBe(false);
  });
});
