import {
  CallExecutionError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  ExecutionRevertedError,
  HttpRequestError,
  InternalRpcError,
  InvalidInputRpcError,
  InvalidParamsRpcError,
  LimitExceededRpcError,
  MethodNotFoundRpcError,
  RawContractError,
  RpcRequestError,
  TimeoutError,
  erc20Abi,
} from 'viem';
import { LogBlockTooLargeError } from './log-pager';
import { isExecutionError, isHistoryUnavailable, isLogRangeError, isStateOverrideUnsupported, isTransientRpcError, logRangeLimitOf, retryAfterMsOf } from './rpc-errors';

const url = 'https://rpc.example';
const rpc = (code: number, message: string) => new RpcRequestError({ body: {}, error: { code, message }, url });
/** What viem throws from `call`: the node error wrapped in CallExecutionError. */
const asCallError = (cause: Error) => new CallExecutionError(cause as never, { to: '0x0000000000000000000000000000000000000001' } as never);
/** What viem throws from `readContract`: one more wrapper. */
const asContractError = (cause: Error) =>
  new ContractFunctionExecutionError(cause as never, { abi: erc20Abi, functionName: 'totalSupply', args: [] } as never);

describe('isTransientRpcError', () => {
  it.each([
    ['HTTP 429', new HttpRequestError({ url, status: 429 })],
    ['HTTP 502', new HttpRequestError({ url, status: 502 })],
    ['HTTP 503', new HttpRequestError({ url, status: 503 })],
    ['fetch failure (no status)', new HttpRequestError({ url, cause: new TypeError('fetch failed') })],
    ['viem request timeout', new TimeoutError({ body: {}, url })],
    ['limit exceeded -32005', new LimitExceededRpcError(rpc(-32005, 'daily request count exceeded'))],
    ['raw -32005', rpc(-32005, 'rate limited')],
    ['JSON-RPC 429 in a 200 body', rpc(429, 'Too Many Requests')],
    ['internal error without an EVM message', new InternalRpcError(rpc(-32603, 'upstream unavailable'))],
    ['socket reset', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) })],
    ['a lagging node behind a load balancer', asCallError(new InvalidInputRpcError(rpc(-32000, 'header not found')))],
    ['AbortSignal.timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
  ])('true for %s', (_label, err) => {
    expect(isTransientRpcError(err)).toBe(true);
  });

  it.each([
    ['limit exceeded inside CallExecutionError', asCallError(new LimitExceededRpcError(rpc(-32005, 'slow down')))],
    ['HTTP 503 inside ContractFunctionExecutionError', asContractError(new HttpRequestError({ url, status: 503 }))],
  ])('true for %s (walks the cause chain)', (_label, err) => {
    expect(isTransientRpcError(err)).toBe(true);
  });

  it.each([
    ['a revert', asCallError(new ExecutionRevertedError({ cause: rpc(3, 'execution reverted') as never }))],
    ['a decoded revert', asContractError(new ContractFunctionRevertedError({ abi: erc20Abi, functionName: 'totalSupply' }))],
    ['a failed Multicall3 sub-call', asContractError(new RawContractError({ data: '0x' }))],
    // anvil reports EVM halts as -32603, which is otherwise a transient code.
    ['anvil out of gas (-32603)', asCallError(new InternalRpcError(rpc(-32603, 'EVM error OutOfGas')))],
    ['geth invalid opcode (-32000)', asCallError(rpc(-32000, 'invalid opcode: INVALID'))],
    ['invalid params', new InvalidParamsRpcError(rpc(-32602, 'invalid argument 0'))],
    ['method not found', new MethodNotFoundRpcError(rpc(-32601, 'the method eth_foo does not exist'))],
    ['HTTP 401 (bad API key)', new HttpRequestError({ url, status: 401 })],
    ['HTTP 400', new HttpRequestError({ url, status: 400 })],
    ['a caller abort', new DOMException('This operation was aborted', 'AbortError')],
    // Its cause is a -32005, which alone would be transient.
    ['one block refused as too large', new LogBlockTooLargeError(5n, { cause: new LimitExceededRpcError(rpc(-32005, 'query returned more than 10000 results')) })],
    ['a plain Error', new Error('something else')],
    ['a string', 'boom'],
    ['undefined', undefined],
  ])('false for %s', (_label, err) => {
    expect(isTransientRpcError(err)).toBe(false);
  });

  it('stops on a cyclic cause chain', () => {
    const err: Error & { cause?: unknown } = new Error('loop');
    err.cause = err;
    expect(isTransientRpcError(err)).toBe(false);
  });
});

describe('isExecutionError', () => {
  it('recognises reverts and EVM halts by name or node message', () => {
    expect(isExecutionError(asCallError(new ExecutionRevertedError({})))).toBe(true);
    expect(isExecutionError(new RawContractError({ data: '0x' }))).toBe(true);
    expect(isExecutionError(asCallError(new InternalRpcError(rpc(-32603, 'EVM error InvalidFEOpcode'))))).toBe(true);
    expect(isExecutionError(rpc(-32000, 'out of gas'))).toBe(true);
  });

  it('does not mistake transport failures or bad requests for execution failures', () => {
    expect(isExecutionError(new HttpRequestError({ url: 'https://revert.example', status: 503 }))).toBe(false);
    expect(isExecutionError(new TimeoutError({ body: {}, url }))).toBe(false);
    expect(isExecutionError(new InvalidParamsRpcError(rpc(-32602, 'invalid argument')))).toBe(false);
  });
});

describe('isLogRangeError', () => {
  it.each([
    'query returned more than 10000 results',
    'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range',
    'block range is too wide',
    'exceed maximum block range: 50000',
    'eth_getLogs is limited to a 10,000 range',
  ])('recognises "%s"', (message) => {
    expect(isLogRangeError({ name: 'RpcRequestError', cause: { code: -32000, message } })).toBe(true);
    expect(isLogRangeError(new LimitExceededRpcError(rpc(-32005, message)))).toBe(true);
  });

  it('does not mistake rate limits or reverts for range errors', () => {
    expect(isLogRangeError({ code: -32005, message: 'daily request limit of 100000 exceeded, rate limit' })).toBe(false);
    expect(isLogRangeError(new LimitExceededRpcError(rpc(-32005, 'rate limited')))).toBe(false);
    expect(isLogRangeError({ code: 3, message: 'execution reverted' })).toBe(false);
  });
});

describe('logRangeLimitOf', () => {
  it.each([
    ['eth_getLogs is limited to a 10,000 range', 10_000n],
    ['range 18000400 exceeds limit of 10000', 10_000n],
    ['block range exceeds max block range of 1000', 1_000n],
    [
      'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. Based on your parameters, this block range should work: [0x112a880, 0x112a8e3]',
      100n,
    ],
  ])('reads the span from "%s"', (message, span) => {
    expect(logRangeLimitOf(new LimitExceededRpcError(rpc(-32005, message)))).toBe(span);
    // QuickNode sends its refusal with HTTP 413: viem puts the body's error in `details`.
    expect(logRangeLimitOf(new HttpRequestError({ url, status: 413, details: JSON.stringify({ code: -32614, message }) }))).toBe(span);
  });

  it('names no span for refusals that do not say one', () => {
    expect(logRangeLimitOf(new LimitExceededRpcError(rpc(-32005, 'query returned more than 10000 results')))).toBeUndefined();
    expect(logRangeLimitOf(new Error('block range is too wide'))).toBeUndefined();
    expect(logRangeLimitOf(undefined)).toBeUndefined();
  });

  it('ignores an inverted suggestion', () => {
    expect(logRangeLimitOf(new Error('this block range should work: [0x10, 0x5]'))).toBeUndefined();
  });
});

describe('retryAfterMsOf', () => {
  const limited = (value: string) => new HttpRequestError({ url, status: 429, headers: new Headers({ 'retry-after': value }) });

  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMsOf(limited('2'))).toBe(2_000);
    const now = Date.parse('2026-12-03T12:00:00Z');
    expect(retryAfterMsOf(limited('Thu, 03 Dec 2026 12:00:05 GMT'), now)).toBe(5_000);
    expect(retryAfterMsOf(limited('Thu, 03 Dec 2026 11:59:00 GMT'), now)).toBe(0);
  });

  it('finds the header on a cause and ignores what is not a wait', () => {
    expect(retryAfterMsOf({ name: 'RpcRequestError', cause: limited('1') })).toBe(1_000);
    expect(retryAfterMsOf(limited('soon'))).toBeUndefined();
    expect(retryAfterMsOf(new HttpRequestError({ url, status: 429 }))).toBeUndefined();
    expect(retryAfterMsOf(new Error('no headers'))).toBeUndefined();
  });
});

describe('isStateOverrideUnsupported', () => {
  it.each(['too many arguments, want at most 2', 'state overrides are not supported', 'method does not support state override'])('recognises "%s"', (message) => {
    expect(isStateOverrideUnsupported(new InvalidParamsRpcError(rpc(-32602, message)))).toBe(true);
  });

  it('does not mistake other refusals for it', () => {
    expect(isStateOverrideUnsupported(new InvalidParamsRpcError(rpc(-32602, 'invalid argument 0: hex string has length 3')))).toBe(false);
    expect(isStateOverrideUnsupported({ code: 3, message: 'execution reverted' })).toBe(false);
  });
});

describe('isHistoryUnavailable', () => {
  it.each(['BlockOutOfRangeError: block height is 18000000 but requested was 256', 'missing trie node abc (path )', 'historical state not available'])('recognises "%s"', (message) => {
    expect(isHistoryUnavailable(new InvalidParamsRpcError(rpc(-32602, message)))).toBe(true);
  });

  it('does not mistake other failures for it', () => {
    expect(isHistoryUnavailable(new LimitExceededRpcError(rpc(-32005, 'rate limited')))).toBe(false);
    expect(isHistoryUnavailable(undefined)).toBe(false);
  });
});
