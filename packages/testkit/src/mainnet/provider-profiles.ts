/**
 * How real JSON-RPC providers refuse `eth_getLogs` and oversized batches, as the testkit's RPC
 * proxy (`startRpcProxy({ profile })`) emulates them in front of anvil. The shapes come from the
 * providers' documentation and answers observed from them: QuickNode refuses spans over 10,000 blocks with HTTP 413
 * and code -32614; Infura refuses spans over 10,000 blocks (-32602) and answers over 10,000 logs
 * (-32005); Alchemy caps answers at 10,000 logs (-32602) and names a range that would work; many
 * public nodes cap spans at 1,000 blocks. Batch caps are the conservative end of what providers
 * document, so a client that stays within them works everywhere.
 */

/** A refusal the proxy sends instead of the node's answer. */
export interface ProfileRefusal {
  /** HTTP status when the refused call was sent alone (in a batch every answer is HTTP 200). */
  httpStatus: number;
  code: number;
  message: string;
}

/** What the proxy knows about one `eth_getLogs` call once the node has answered it. */
export interface LogsCall {
  fromBlock: bigint;
  toBlock: bigint;
  /** Block numbers of the logs the node returned, in order. */
  logBlocks: bigint[];
}

export interface ProviderProfile {
  name: ProviderProfileName;
  /** Most calls in one JSON-RPC batch; larger batches are refused call by call. */
  maxBatch: number;
  /** The refusal for a getLogs call, or undefined when the provider would answer it. */
  refuseLogs(call: LogsCall): ProfileRefusal | undefined;
}

export type ProviderProfileName = 'quicknode' | 'infura' | 'alchemy' | 'public';

const MAX_SPAN = 10_000n;
const MAX_LOGS = 10_000;
const PUBLIC_MAX_SPAN = 1_000n;

const span = (call: LogsCall) => call.toBlock - call.fromBlock + 1n;
const hex = (n: bigint) => `0x${n.toString(16)}`;

/** The widest range from `fromBlock` whose answer stays within `MAX_LOGS` logs (Alchemy's suggestion). */
function workingRange(call: LogsCall): [bigint, bigint] {
  const last = call.logBlocks[MAX_LOGS - 1];
  // The block holding the cap-th log cannot be included whole; stop just before it.
  const to = last === undefined ? call.toBlock : last > call.fromBlock ? last - 1n : call.fromBlock;
  return [call.fromBlock, to];
}

export const PROVIDER_PROFILES: Readonly<Record<ProviderProfileName, ProviderProfile>> = {
  quicknode: {
    name: 'quicknode',
    maxBatch: 100,
    refuseLogs: (call) => (span(call) > MAX_SPAN ? { httpStatus: 413, code: -32614, message: 'eth_getLogs is limited to a 10,000 range' } : undefined),
  },
  infura: {
    name: 'infura',
    maxBatch: 100,
    refuseLogs(call) {
      if (span(call) > MAX_SPAN) return { httpStatus: 200, code: -32602, message: `range ${span(call)} exceeds limit of ${MAX_SPAN}` };
      if (call.logBlocks.length > MAX_LOGS) return { httpStatus: 200, code: -32005, message: `query returned more than ${MAX_LOGS} results` };
      return undefined;
    },
  },
  alchemy: {
    name: 'alchemy',
    maxBatch: 100,
    refuseLogs(call) {
      if (call.logBlocks.length <= MAX_LOGS) return undefined;
      const [from, to] = workingRange(call);
      return {
        httpStatus: 200,
        code: -32602,
        message: `Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. Based on your parameters, this block range should work: [${hex(from)}, ${hex(to)}]`,
      };
    },
  },
  public: {
    name: 'public',
    maxBatch: 50,
    refuseLogs: (call) => (span(call) > PUBLIC_MAX_SPAN ? { httpStatus: 200, code: -32000, message: `block range exceeds max block range of ${PUBLIC_MAX_SPAN}` } : undefined),
  },
};

export function providerProfile(name: ProviderProfileName): ProviderProfile {
  return PROVIDER_PROFILES[name];
}
