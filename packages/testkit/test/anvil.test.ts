import { createServer, type AddressInfo, type Socket } from 'node:net';
import { startAnvil } from '../src';

// The root jest.config.js sets testTimeout per project, which jest 30 does not apply to tests
// (they get the 5 s default); anvil start-up on a loaded 2-core runner needs more headroom.
jest.setTimeout(30_000);

async function chainId(rpcUrl: string): Promise<string> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
  });
  return ((await response.json()) as { result: string }).result;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startAnvil', () => {
  it('starts on a free port, answers eth_chainId, and is gone after stop (twice is fine)', async () => {
    const anvil = await startAnvil();
    expect(anvil.rpcUrl).toBe(`http://127.0.0.1:${anvil.port}`);
    expect(anvil.chainId).toBe(31337);
    await expect(chainId(anvil.rpcUrl)).resolves.toBe('0x7a69');
    expect(isRunning(anvil.pid)).toBe(true);

    await anvil.stop();
    await anvil.stop();
    expect(isRunning(anvil.pid)).toBe(false);
    await expect(chainId(anvil.rpcUrl)).rejects.toThrow();
  });

  it('runs two nodes side by side with their own chain ids', async () => {
    const [a, b] = await Promise.all([startAnvil(), startAnvil({ chainId: 1337 })]);
    try {
      expect(a.port).not.toBe(b.port);
      await expect(chainId(b.rpcUrl)).resolves.toBe('0x539');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('rejects with anvil’s own message when the port is taken', async () => {
    // Accepts connections and never answers, so only anvil's exit can end the wait quickly.
    const sockets = new Set<Socket>();
    const blocker = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(startAnvil({ port, startTimeoutMs: 5_000 })).rejects.toThrow(/anvil exited during start-up \(code 1\): .*Address already in use/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
