import { commonEnv, envBool, envInt, evenWithFieldIssues, envIntList, parseEnv, redisEnv, refineServiceEnv, resolveSecretFiles } from '@oca/config';
import type { OffchainMetadataOptions } from '@oca/agents';
import { parseExplorerApis, parseRpcUrls, type ExplorerApiConfig } from '@oca/chain';
import type { Network } from '@oca/contracts';
import { z } from 'zod';

const Env = z.object({
  ...commonEnv,
  ...redisEnv,
  /** Port of /health, /ready and /metrics */
  EXECUTOR_METRICS_PORT: envInt(9102, 0, 65535),
  /** Jobs run at once by this process (the consumer's prefetch) */
  EXECUTOR_CONCURRENCY: envInt(8, 1, 256),
  /** Back-off before re-running a job after a transient failure (RPC error, timeout), in ms; its length is the retry cap */
  EXECUTOR_RETRY_DELAYS_MS: envIntList([1_000, 5_000, 30_000]),
  /** Multiplies every agent's own timeout (slow RPC providers) */
  AGENT_TIMEOUT_FACTOR: z.coerce.number().positive().max(20).default(1),
  /** Timeout of one JSON-RPC request, in ms */
  RPC_TIMEOUT_MS: envInt(10_000, 100),
  /** Let EXPLORER_API_URL_<NETWORK> point at loopback or private addresses (a local test server); metadata addresses stay refused */
  EXPLORER_ALLOW_PRIVATE_TARGETS: envBool(false),
  /** IPFS HTTP gateway for NFT metadata, path style (`<gateway>/ipfs/<cid>/<path>`); unset: ipfs:// metadata is not fetched */
  NFT_IPFS_GATEWAY: z.url({ protocol: /^https?$/ }).optional(),
  /** Fetch NFT metadata from the http(s):// hosts collections name (off: the host is the collection deployer's choice) */
  NFT_FETCH_HTTP_METADATA: envBool(false),
  /** One NFT metadata fetch, redirects and body included, in ms */
  NFT_METADATA_TIMEOUT_MS: envInt(4_000, 100, 60_000),
  /** Every NFT metadata fetch of one job together, in ms; keep it well under the nft agent's timeout (60 s) */
  NFT_METADATA_TOTAL_TIMEOUT_MS: envInt(20_000, 100, 300_000),
  /** NFT metadata fetches per job (redirect hops count); tokens past it are named, not scored */
  NFT_METADATA_MAX_FETCHES: envInt(256, 0, 2_000),
  /** NFT metadata fetches in flight at once, per job */
  NFT_METADATA_CONCURRENCY: envInt(16, 1, 64),
  /** Let NFT metadata URLs reach loopback or private addresses (a local test gateway); metadata addresses stay refused */
  NFT_METADATA_ALLOW_PRIVATE_TARGETS: envBool(false),
}).superRefine(refineServiceEnv, evenWithFieldIssues);

export type ExecutorEnv = z.infer<typeof Env> & {
  /**
   * RPC_URL_<NETWORK>: comma-separated URLs, tried in order (fallback). A provider's URL often
   * carries its API key, so RPC_URL_<NETWORK>_FILE works too.
   */
  rpcUrls: Partial<Record<Network, string[]>>;
  /**
   * EXPLORER_API_URL_<NETWORK> and EXPLORER_API_KEY_<NETWORK> (both with `_FILE` variants): an
   * Etherscan-compatible API read for native-transfer history on nodes without trace_filter.
   */
  explorers: Partial<Record<Network, ExplorerApiConfig>>;
  /** The nft agent's off-chain metadata fetching, from the NFT_* variables. */
  nftMetadata: OffchainMetadataOptions;
};

export function loadEnv(env: Record<string, string | undefined> = process.env): ExecutorEnv {
  const parsed = parseEnv(Env, env);
  return {
    ...parsed,
    rpcUrls: parseRpcUrls(resolveSecretFiles(env, /^RPC_URL_[A-Z0-9_]+$/)),
    explorers: parseExplorerApis(resolveSecretFiles(env, /^EXPLORER_API_(URL|KEY)_[A-Z0-9_]+$/), parsed.EXPLORER_ALLOW_PRIVATE_TARGETS),
    nftMetadata: {
      ipfsGateway: parsed.NFT_IPFS_GATEWAY,
      fetchHttp: parsed.NFT_FETCH_HTTP_METADATA,
      timeoutMs: parsed.NFT_METADATA_TIMEOUT_MS,
      totalTimeoutMs: parsed.NFT_METADATA_TOTAL_TIMEOUT_MS,
      maxFetches: parsed.NFT_METADATA_MAX_FETCHES,
      concurrency: parsed.NFT_METADATA_CONCURRENCY,
      allowPrivate: parsed.NFT_METADATA_ALLOW_PRIVATE_TARGETS,
    },
  };
}
