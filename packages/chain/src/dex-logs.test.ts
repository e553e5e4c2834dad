import { parseAbiItem, type PublicClient } from 'viem';
import { getLogsPaged } from './dex-logs';

const SWAP = parseAbiItem('event Sync(uint112 reserve0, uint112 reserve1)');

/** A node holding one log per block in [0, 999] that refuses answers over `limit` logs. */
function fakeClient(limit: number) {
  const requests: { fromBlock: bigint; toBlock: bigint; address: unknown }[] = [];
  const client = {
    async getLogs({ fromBlock, toBlock, address }: { fromBlock: bigint; toBlock: bigint; address: unknown }) {
      requests.push({ fromBlock, toBlock, address });
      const count = Number(toBlock - fromBlock + 1n);
      if (count > limit) {
        throw Object.assign(new Error('RPC Request failed.'), { cause: { code: -32005, message: 'query returned more than 10000 results' } });
      }
      return Array.from({ length: count }, (_, i) => ({ blockNumber: fromBlock + BigInt(i), logIndex: 0, address: '0x01' }));
    },
  };
  return { client: client as unknown as PublicClient, requests };
}

describe('getLogsPaged', () => {
  it('splits a range the node refuses as too big, and returns every log in chain order', async () => {
    const { client, requests } = fakeClient(300);
    const { logs, requests: count } = await getLogsPaged(client, { events: [SWAP], fromBlock: 0n, toBlock: 999n }, { maxBlockRange: 1_000n });
    expect(logs.map((l) => l.blockNumber)).toEqual(Array.from({ length: 1000 }, (_, i) => BigInt(i)));
    expect(count).toBe(requests.length);
    expect(requests.length).toBeGreaterThan(1);
  });

  it('pages long ranges and long address lists up front', async () => {
    const { client, requests } = fakeClient(10_000);
    const address = Array.from({ length: 5 }, (_, i) => `0x${String(i + 1).padStart(40, '0')}` as const);
    await getLogsPaged(client, { address, events: [SWAP], fromBlock: 0n, toBlock: 999n }, { maxBlockRange: 400n, maxAddresses: 2 });
    // 3 address groups × 3 block pages.
    expect(requests).toHaveLength(9);
    expect(requests.map((r) => [r.fromBlock, r.toBlock])).toContainEqual([800n, 999n]);
  });

  it('rethrows a single block that is still too big', async () => {
    const { client } = fakeClient(0);
    await expect(getLogsPaged(client, { events: [SWAP], fromBlock: 5n, toBlock: 5n })).rejects.toThrow('RPC Request failed.');
  });
});
