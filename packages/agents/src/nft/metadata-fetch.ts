import { promises as dns } from 'node:dns';
import { checkOutboundUrl, OutboundUrlRejectedError, pinnedLookup, type OutboundLookup } from '@oca/outbound';
import { Agent, request } from 'undici';

/**
 * How off-chain token metadata (`ipfs://`, `http(s)://`) is fetched. The executor builds it from
 * its env (`NFT_*`); without it, or with both sources off, no metadata leaves the chain.
 */
export interface OffchainMetadataOptions {
  /**
   * Base URL of an IPFS HTTP gateway, path style: `ipfs://<cid>/<path>` is fetched from
   * `<gateway>/ipfs/<cid>/<path>`. Unset: IPFS metadata is not fetched and each token says so.
   * @default undefined
   */
  ipfsGateway?: string;
  /**
   * Fetch `http://` and `https://` metadata URIs from the hosts collections name. Off by default:
   * the host is chosen by whoever deployed the collection.
   * @default false
   */
  fetchHttp?: boolean;
  /** One fetch, redirects and body included, in ms. @default 4000 */
  timeoutMs?: number;
  /** Every fetch of one job together, in ms; tokens not fetched by then are named. @default 20000 */
  totalTimeoutMs?: number;
  /** Fetches per job (redirect hops count); tokens past it are named. @default 256 */
  maxFetches?: number;
  /** Fetches in flight at once. @default 16 */
  concurrency?: number;
  /**
   * Let metadata URLs reach loopback and private networks (a local gateway in tests). Instance
   * metadata addresses stay refused (`checkOutboundUrl`).
   * @default false
   */
  allowPrivate?: boolean;
  /** How host names become addresses. @default dns.promises.lookup(host, {all: true, verbatim: true}) */
  lookup?: OutboundLookup;
}

/** Metadata bodies larger than this (bytes) are refused, as `data:` URIs are. */
export const MAX_FETCHED_METADATA_BYTES = 64 * 1024;
/** Redirect hops followed, each one checked like the first URL. */
export const MAX_METADATA_REDIRECTS = 3;

/** The text of a fetched metadata document, or why there is none (a stable, human-readable reason). */
export type FetchedMetadata = { text: string } | { error: string };

const defaultLookup: OutboundLookup = (host) => dns.lookup(host, { all: true, verbatim: true });

/**
 * Fetches token metadata for one job, within its budgets: a fetch count, a concurrency cap, a
 * per-fetch and a total timeout, a 64 KiB body cap. Every URL, and every redirect hop, passes
 * `checkOutboundUrl` against the addresses the host resolved to, and the connection goes to those
 * very addresses (a pinned lookup), so a DNS answer that changes after the check (rebinding)
 * cannot move the request. The same URL is fetched once per job.
 */
export class MetadataFetcher {
  private readonly options: Required<Omit<OffchainMetadataOptions, 'ipfsGateway' | 'lookup'>> & { ipfsGateway: string | null; lookup: OutboundLookup };
  private readonly deadline: AbortSignal;
  private readonly results = new Map<string, Promise<FetchedMetadata>>();
  private readonly waiting: (() => void)[] = [];
  private fetches = 0;
  private active = 0;

  constructor(options: OffchainMetadataOptions, private readonly signal?: AbortSignal) {
    this.options = {
      ipfsGateway: options.ipfsGateway ? options.ipfsGateway.replace(/\/+$/, '') : null,
      fetchHttp: options.fetchHttp ?? false,
      timeoutMs: options.timeoutMs ?? 4_000,
      totalTimeoutMs: options.totalTimeoutMs ?? 20_000,
      maxFetches: options.maxFetches ?? 256,
      concurrency: options.concurrency ?? 16,
      allowPrivate: options.allowPrivate ?? false,
      lookup: options.lookup ?? defaultLookup,
    };
    this.deadline = AbortSignal.timeout(this.options.totalTimeoutMs);
  }

  /** Fetches made so far (redirect hops included). */
  get fetchCount(): number {
    return this.fetches;
  }

  /** The metadata at an off-chain URI, or the reason it was not read. Rejects only when the job is aborted. */
  fetch(uri: string): Promise<FetchedMetadata> {
    const target = this.urlOf(uri);
    if ('error' in target) return Promise.resolve(target);
    let result = this.results.get(target.url);
    if (!result) {
      result = this.limited(() => this.follow(target.url));
      this.results.set(target.url, result);
    }
    return result;
  }

  /** The HTTP URL an off-chain URI is fetched from, or why it is not fetched. */
  urlOf(uri: string): { url: string } | { error: string } {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase() ?? 'no scheme';
    if (scheme === 'ipfs') {
      if (!this.options.ipfsGateway) return { error: 'ipfs metadata is not fetched: no IPFS gateway is configured' };
      const path = uri.slice('ipfs://'.length).replace(/^ipfs\//, '');
      const [cid, ...rest] = path.split('/');
      if (!cid || !/^[a-z0-9]+$/i.test(cid) || rest.some((s) => s === '..' || s === '.')) return { error: 'not an ipfs://<cid>/<path> URI' };
      return { url: `${this.options.ipfsGateway}/ipfs/${[cid, ...rest].join('/')}` };
    }
    if (scheme === 'http' || scheme === 'https') return this.options.fetchHttp ? { url: uri } : { error: `${scheme} metadata is not fetched: HTTP metadata fetching is off` };
    return { error: `off-chain metadata (${scheme}) is not fetched` };
  }

  /** Runs `task` when a concurrency slot is free; past the deadline or the fetch budget it does not run. */
  private async limited(task: () => Promise<FetchedMetadata>): Promise<FetchedMetadata> {
    while (this.active >= this.options.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }

  /** GETs `url`, following up to `MAX_METADATA_REDIRECTS` redirects, each hop checked and counted. */
  private async follow(first: string): Promise<FetchedMetadata> {
    let url = first;
    for (let hop = 0; hop <= MAX_METADATA_REDIRECTS; hop++) {
      this.signal?.throwIfAborted();
      if (this.deadline.aborted) return { error: `metadata time budget spent (${this.options.totalTimeoutMs} ms per job)` };
      if (this.fetches >= this.options.maxFetches) return { error: `metadata fetch budget spent (${this.options.maxFetches} fetches per job)` };
      this.fetches += 1;
      const answer = await this.get(url);
      if (!('redirect' in answer)) return answer;
      try {
        url = new URL(answer.redirect, url).toString();
      } catch {
        return { error: 'redirect to an invalid URL' };
      }
    }
    return { error: `more than ${MAX_METADATA_REDIRECTS} redirects` };
  }

  /** One GET without following redirects: the body (at most the cap), a redirect target, or a named failure. */
  private async get(url: string): Promise<FetchedMetadata | { redirect: string }> {
    let addresses: string[];
    try {
      addresses = await this.checkedAddresses(url);
    } catch (err) {
      if (err instanceof OutboundUrlRejectedError) return { error: `blocked by the SSRF guard: ${err.message}` };
      throw err;
    }
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = AbortSignal.any([timeout, this.deadline, ...(this.signal ? [this.signal] : [])]);
    const agent = new Agent({ connect: { lookup: pinnedLookup(addresses), timeout: this.options.timeoutMs }, pipelining: 0 });
    try {
      const res = await request(url, { method: 'GET', headers: { accept: 'application/json' }, dispatcher: agent, signal, maxRedirections: 0 });
      if (res.statusCode >= 300 && res.statusCode < 400) {
        await res.body.dump().catch(() => undefined);
        const location = res.headers.location;
        return typeof location === 'string' ? { redirect: location } : { error: `HTTP ${res.statusCode} without a Location` };
      }
      if (res.statusCode !== 200) {
        await res.body.dump().catch(() => undefined);
        return { error: `HTTP ${res.statusCode}` };
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > MAX_FETCHED_METADATA_BYTES) {
        drop(res.body);
        return { error: `metadata over ${MAX_FETCHED_METADATA_BYTES} bytes` };
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_FETCHED_METADATA_BYTES) {
          drop(res.body);
          return { error: `metadata over ${MAX_FETCHED_METADATA_BYTES} bytes` };
        }
        chunks.push(chunk as Buffer);
      }
      return { text: Buffer.concat(chunks).toString('utf8') };
    } catch (err) {
      this.signal?.throwIfAborted();
      if (this.deadline.aborted) return { error: `metadata time budget spent (${this.options.totalTimeoutMs} ms per job)` };
      if (timeout.aborted) return { error: `timeout after ${this.options.timeoutMs} ms` };
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).name;
      return { error: `fetch failed (${code})` };
    } finally {
      await agent.destroy().catch(() => undefined);
    }
  }

  /** The addresses `checkOutboundUrl` approved for the URL's host (resolved once); the connection goes to those. */
  private checkedAddresses(url: string): Promise<string[]> {
    return checkOutboundUrl(url, { allowPrivate: this.options.allowPrivate, lookup: this.options.lookup });
  }
}

/** Closes a response body early (its socket goes with it); the abort it reports is expected. */
function drop(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined);
  body.destroy();
}
