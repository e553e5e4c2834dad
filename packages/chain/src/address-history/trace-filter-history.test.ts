import { getAddress, type Address } from 'viem';
import type { ChainClient } from '../chain-clients';
import { firstFunders, HistoryUnavailableError } from './address-history';
import { isMethodUnsupported, nativeTransferOf, TraceFilterHistory, type RpcTrace } from './trace-filter-history';

const A = getAddress('0x00000000000000000000000000000000000000a1');
const B = getAddress('0x00000000000000000000000000000000000000b2');
const F: Address = getAddress('0x00000000000000000000000000000000000000f3');
const TX = `0x${'11'.repeat(32)}`;

const call = (from: string, to: string, value: string, blockNumber: number, extra: Partial<RpcTrace> = {}): RpcTrace => ({
  type: 'call',
  action: { from, to, value, callType: 'call' },
  blockNumber,
  transactionHash: TX,
  traceAddress: [],
  ...extra,
});

/** A client whose `request` answers trace_filter from `traces` (filtered by range) or throws `error`. */
function fakeClient(traces: RpcTrace[], error?: unknown): { client: ChainClient; calls: unknown[] } {
  const calls: unknown[] = [];
  const request = async ({ params }: { params: [{ fromBlock: string; toBlock: string; toAddress: string[] }] }) => {
    calls.push(params[0]);
    if (error) throw error;
    const [from, to] = [BigInt(params[0].fromBlock), BigInt(params[0].toBlock)];
    return traces.filter((t) => BigInt(t.blockNumber) >= from && BigInt(t.blockNumber) <= to);
  };
  return { client: { request } as unknown as ChainClient, calls };
}

describe('nativeTransferOf', () => {
  it('reads calls, creations with an endowment and self-destructs', () => {
    expect(nativeTransferOf(call(F, A, '0x10', 5))).toMatchObject({ from: F, to: A, value: 16n, blockNumber: 5n });
    const create: RpcTrace = { type: 'create', action: { from: F, value: '0x2' }, result: { address: B }, blockNumber: 6, transactionHash: TX, traceAddress: [0] };
    expect(nativeTransferOf(create)).toMatchObject({ from: F, to: B, value: 2n, traceAddress: [0] });
    const suicide: RpcTrace = { type: 'suicide', action: { address: B, refundAddress: A, balance: '0x3' }, blockNumber: 7, transactionHash: TX, traceAddress: [1] };
    expect(nativeTransferOf(suicide)).toMatchObject({ from: B, to: A, value: 3n });
  });

  it('leaves out what moved nothing: zero value, failures, delegatecalls, rewards, creations that failed', () => {
    expect(nativeTransferOf(call(F, A, '0x0', 5))).toBeNull();
    expect(nativeTransferOf(call(F, A, '0x10', 5, { error: 'Reverted' }))).toBeNull();
    expect(nativeTransferOf(call(F, A, '0x10', 5, { action: { from: F, to: A, value: '0x10', callType: 'delegatecall' } }))).toBeNull();
    expect(nativeTransferOf({ type: 'reward', action: { value: '0x10' }, blockNumber: 1, transactionHash: null, traceAddress: [] })).toBeNull();
    expect(nativeTransferOf({ type: 'create', action: { from: F, value: '0x2' }, result: null, blockNumber: 6, transactionHash: TX, traceAddress: [] })).toBeNull();
  });
});

describe('TraceFilterHistory', () => {
  it('asks trace_filter with hex block numbers and keeps transfers into the addresses asked', async () => {
    const { client, calls } = fakeClient([call(F, A, '0x5', 3), call(A, F, '0x5', 4), call(F, B, '0x7', 9)]);
    const history = new TraceFilterHistory(client);
    const { transfers, requests } = await history.nativeTransfersTo({ to: [A, B], fromBlock: 0n, toBlock: 10n });
    expect(calls).toEqual([{ fromBlock: '0x0', toBlock: '0xa', toAddress: [A.toLowerCase(), B.toLowerCase()] }]);
    expect(requests).toBe(1);
    expect(transfers.map((t) => [t.to, t.value])).toEqual([
      [A, 5n],
      [B, 7n],
    ]);
  });

  it('first funders: the earliest non-zero transfer into each address, null when none is on record', async () => {
    const { client } = fakeClient([call(B, A, '0x0', 1), call(F, A, '0x5', 3), call(B, A, '0x9', 4)]);
    const { funders } = await firstFunders(new TraceFilterHistory(client), [A, B], 10n);
    expect(funders.get(A)).toMatchObject({ from: F, value: 5n, blockNumber: 3n });
    expect(funders.get(B)).toBeNull();
    expect((await firstFunders(new TraceFilterHistory(client), [], 10n)).requests).toBe(0);
  });

  it('says the history is unavailable when the node has no trace_filter', async () => {
    const { client } = fakeClient([], Object.assign(new Error('Method not found'), { code: -32601 }));
    await expect(new TraceFilterHistory(client).nativeTransfersTo({ to: [A], fromBlock: 0n, toBlock: 1n })).rejects.toBeInstanceOf(HistoryUnavailableError);
  });

  it('passes other failures through unchanged', async () => {
    const boom = Object.assign(new Error('invalid params'), { code: -32602 });
    const { client } = fakeClient([], boom);
    await expect(new TraceFilterHistory(client, { pager: { maxRequests: 2 } }).nativeTransfersTo({ to: [A], fromBlock: 0n, toBlock: 1n })).rejects.toBe(boom);
  });
});

describe('isMethodUnsupported', () => {
  it.each([
    [{ code: -32601, message: 'x' }, true],
    [{ name: 'MethodNotFoundRpcError' }, true],
    [{ name: 'MethodNotSupportedRpcError' }, true],
    [{ message: 'the method trace_filter does not exist/is not available' }, true],
    [{ message: 'wrapped', cause: { details: 'Method not found' } }, true],
    [{ code: -32602, message: 'invalid params' }, false],
    ['a string', false],
    [null, false],
  ])('%j → %s', (err, expected) => {
    expect(isMethodUnsupported(err)).toBe(expected);
  });
});
