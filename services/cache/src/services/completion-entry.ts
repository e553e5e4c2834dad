import { AGENT_CATALOG, cacheKey, cacheNetworkOf, cacheTargetOf, isAgentName, type CacheEntry, type CompletionMessage } from '@oca/contracts';

/** Why a completion is not cached (the `reason` label of oca_cache_fill_skipped_total). */
export type SkipReason =
  | 'started'
  | 'failed'
  | 'no_params'
  | 'no_job_id'
  | 'unknown_agent'
  | 'outdated_version'
  | 'no_block_number'
  | 'too_large'
  | 'older_block';

export type EntryDecision = { entry: CacheEntry } | { skip: SkipReason };

/**
 * Pure: the entry a completion fills, or why it fills none. Only a succeeded job.completed that
 * names its params and agent version (executors from this release on) and whose result says
 * which block it was computed at is cached.
 */
export function entryFromCompletion(message: CompletionMessage, prefix: string): EntryDecision {
  if (message.type === 'job.started') return { skip: 'started' };
  const { payload } = message;
  if (payload.status !== 'succeeded') return { skip: 'failed' };
  if (payload.params === undefined || payload.agentVersion === undefined) return { skip: 'no_params' };
  if (!message.jobId) return { skip: 'no_job_id' };
  if (!isAgentName(payload.agent)) return { skip: 'unknown_agent' };
  // An executor still on an older version: its entry would sit at a key no reader asks for.
  if (payload.agentVersion < AGENT_CATALOG[payload.agent].version) return { skip: 'outdated_version' };
  const blockNumber = blockNumberOf(payload.result);
  if (blockNumber === undefined) return { skip: 'no_block_number' };
  const network = cacheNetworkOf(payload.params);
  return {
    entry: {
      v: 1,
      key: cacheKey(prefix, payload.agent, payload.agentVersion, network, payload.params),
      agent: payload.agent,
      agentVersion: payload.agentVersion,
      network,
      params: payload.params,
      target: cacheTargetOf(payload.params),
      blockNumber,
      jobId: message.jobId,
      // When the result was produced, normalised so the fill script can compare it as a string.
      storedAt: new Date(payload.finishedAt).toISOString(),
      result: payload.result,
    },
  };
}

/** Agent results carry `blockNumber` as a decimal string (AgentResultBase); a number is accepted too. */
function blockNumberOf(result: unknown): number | undefined {
  const value = result && typeof result === 'object' ? (result as Record<string, unknown>).blockNumber : undefined;
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * The stored form: `v`, `blockNumber` and `storedAt` first, so the fill script reads them from
 * the first bytes of the stored entry instead of decoding up to CACHE_MAX_ENTRY_BYTES of JSON.
 */
export function encodeCacheEntry(entry: CacheEntry): string {
  const { v, blockNumber, storedAt, ...rest } = entry;
  return JSON.stringify({ v, blockNumber, storedAt, ...rest });
}
