import type { ChainClient } from '@oca/chain';
import { parseAbi, type Address } from 'viem';
import { readOrNull } from '../dex';
import type { MetadataFetcher } from './metadata-fetch';

/** Tokens whose metadata is read (lowest ids first); beyond this rarity covers a sample and says so. */
export const MAX_METADATA_TOKENS = 2_000;
/** Metadata larger than this (bytes of JSON) is refused. */
export const MAX_METADATA_BYTES = 64 * 1024;
/** OpenRarity's meta trait: how many traits a token has, scored like any other. */
export const TRAIT_COUNT = 'meta_trait:trait_count';

const METADATA_ABI = parseAbi(['function tokenURI(uint256 id) view returns (string)', 'function uri(uint256 id) view returns (string)']);

export interface Trait {
  traitType: string;
  value: string;
}

export type MetadataRead = { tokenId: bigint; uri: string | null; traits: Trait[] } | { tokenId: bigint; uri: string | null; error: string };

/**
 * Each token's metadata URI (`tokenURI`, or ERC-1155 `uri` with `{id}` filled in) at the block, and
 * its traits. `data:` URIs (on chain) are decoded; an off-chain URI (ipfs://, http(s)://) goes
 * through `fetcher` when there is one (its gateway, budgets and SSRF checks), and is otherwise
 * named with the reason it was not read, as is every fetch that failed.
 */
export async function readMetadata(
  client: ChainClient,
  collection: Address,
  standard: 'ERC721' | 'ERC1155',
  tokenIds: readonly bigint[],
  blockNumber: bigint,
  fetcher?: MetadataFetcher,
): Promise<MetadataRead[]> {
  const ids = tokenIds.slice(0, MAX_METADATA_TOKENS);
  const uris = await Promise.all(
    ids.map((id) => readOrNull(client, { address: collection, abi: METADATA_ABI, functionName: standard === 'ERC721' ? 'tokenURI' : 'uri', args: [id], blockNumber })),
  );
  return Promise.all(
    ids.map(async (tokenId, i): Promise<MetadataRead> => {
      const raw = uris[i];
      if (raw === null || raw === undefined) return { tokenId, uri: null, error: 'the metadata URI call failed' };
      const uri = standard === 'ERC1155' ? raw.replaceAll('{id}', tokenId.toString(16).padStart(64, '0')) : raw;
      if (uri.startsWith('data:') || !fetcher) return parseMetadataUri(tokenId, uri);
      const got = await fetcher.fetch(uri);
      if ('error' in got) return { tokenId, uri: shorten(uri), error: got.error };
      const traits = traitsOf(got.text);
      return traits === null ? { tokenId, uri: shorten(uri), error: 'metadata is not JSON with an attributes list' } : { tokenId, uri: shorten(uri), traits };
    }),
  );
}

/** Traits from a `data:` URI (base64 or percent-encoded JSON); anything else is an error naming why. */
export function parseMetadataUri(tokenId: bigint, uri: string): MetadataRead {
  const match = /^data:([^,;]*)((?:;[^,;]*)*),(.*)$/s.exec(uri);
  if (!match) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase() ?? 'no scheme';
    return { tokenId, uri, error: `off-chain metadata (${scheme}) is not fetched` };
  }
  const [, , params, body] = match;
  let text: string;
  try {
    text = params!.split(';').includes('base64') ? Buffer.from(body!, 'base64').toString('utf8') : decodeURIComponent(body!);
  } catch {
    return { tokenId, uri: shorten(uri), error: 'the data: URI does not decode' };
  }
  if (Buffer.byteLength(text) > MAX_METADATA_BYTES) return { tokenId, uri: shorten(uri), error: `metadata over ${MAX_METADATA_BYTES} bytes` };
  const traits = traitsOf(text);
  return traits === null ? { tokenId, uri: shorten(uri), error: 'metadata is not JSON with an attributes list' } : { tokenId, uri: shorten(uri), traits };
}

const shorten = (uri: string) => (uri.length > 120 ? `${uri.slice(0, 117)}...` : uri);

/**
 * String attributes `{trait_type, value}`, lower-cased and trimmed as OpenRarity normalises them;
 * numeric and date attributes are not scored (OpenRarity leaves them out), nor empty values.
 */
export function traitsOf(json: string): Trait[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  const attributes = (parsed as { attributes?: unknown } | null)?.attributes;
  if (!Array.isArray(attributes)) return null;
  const out: Trait[] = [];
  for (const a of attributes as { trait_type?: unknown; value?: unknown; display_type?: unknown }[]) {
    if (typeof a?.trait_type !== 'string' || typeof a.value !== 'string' || a.display_type !== undefined) continue;
    const value = a.value.trim().toLowerCase();
    if (value !== '') out.push({ traitType: a.trait_type.trim().toLowerCase(), value });
  }
  return out;
}

export interface RarityScore {
  tokenId: bigint;
  rank: number;
  score: number;
  informationContent: number;
}

/**
 * OpenRarity's information-content rarity: each token's traits plus the trait-count meta trait;
 * a trait type a token lacks counts as the value "null" (its probability is the share of tokens
 * lacking it). IC = −Σ log₂ P(value), over every trait type; score = IC / H, where H is the
 * collection's entropy −Σ_types Σ_values P log₂ P. Rank 1 is rarest; equal scores share a rank.
 */
export function openRarity(tokens: readonly { tokenId: bigint; traits: readonly Trait[] }[]): { entropy: number; scores: RarityScore[] } {
  const n = tokens.length;
  if (n === 0) return { entropy: 0, scores: [] };
  const withCount = tokens.map((t) => {
    const map = new Map<string, string>();
    for (const tr of t.traits) if (!map.has(tr.traitType)) map.set(tr.traitType, tr.value);
    map.set(TRAIT_COUNT, String(map.size));
    return { tokenId: t.tokenId, map };
  });
  const types = [...new Set(withCount.flatMap((t) => [...t.map.keys()]))];
  const counts = new Map<string, Map<string, number>>(types.map((ty) => [ty, new Map()]));
  for (const t of withCount) {
    for (const ty of types) {
      const v = t.map.get(ty) ?? null;
      const key = v === null ? '\u0000null' : v;
      const c = counts.get(ty)!;
      c.set(key, (c.get(key) ?? 0) + 1);
    }
  }
  let entropy = 0;
  for (const c of counts.values()) for (const k of c.values()) entropy -= (k / n) * Math.log2(k / n);
  const raw = withCount.map((t) => {
    let ic = 0;
    for (const ty of types) {
      const v = t.map.get(ty);
      ic -= Math.log2(counts.get(ty)!.get(v === undefined ? '\u0000null' : v)! / n);
    }
    return { tokenId: t.tokenId, informationContent: ic, score: entropy === 0 ? 0 : ic / entropy };
  });
  raw.sort((a, b) => b.score - a.score || (a.tokenId < b.tokenId ? -1 : 1));
  const scores: RarityScore[] = [];
  raw.forEach((r, i) => {
    const prev = scores[i - 1];
    const rank = prev && Math.abs(prev.score - r.score) < 1e-12 ? prev.rank : i + 1;
    scores.push({ ...r, rank });
  });
  return { entropy, scores };
}

