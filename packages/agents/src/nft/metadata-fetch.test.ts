import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_FETCHED_METADATA_BYTES, MetadataFetcher, type OffchainMetadataOptions } from './metadata-fetch';

/**
 * The fetcher against a real HTTP server on 127.0.0.1 (an IPFS-gateway-shaped path and plain
 * routes). Refusals of private and metadata addresses are decided before any connection: no test
 * sends traffic anywhere but loopback.
 */
const CID = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';
const doc = (id: number) => JSON.stringify({ name: `#${id}`, attributes: [{ trait_type: 'Kind', value: `k${id % 3}` }] });

let server: Server;
let base: string;
const hits: string[] = [];
let inFlight = 0;
let maxInFlight = 0;

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/plain/1.json': (_req, res) => res.end(doc(1)),
  '/missing': (_req, res) => res.writeHead(404).end('no'),
  '/slow': (_req, res) => {
    const timer = setTimeout(() => res.end(doc(2)), 1_500);
    res.on('close', () => clearTimeout(timer));
  },
  // Chunked, no Content-Length: the cap has to be enforced while streaming.
  '/huge': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 6; i++) res.write(chunk);
    res.end();
  },
  '/declared-huge': (_req, res) => res.writeHead(200, { 'content-length': String(MAX_FETCHED_METADATA_BYTES + 1) }).end('x'.repeat(MAX_FETCHED_METADATA_BYTES + 1)),
  '/to-plain': (_req, res) => res.writeHead(302, { location: '/plain/1.json' }).end(),
  '/to-metadata': (_req, res) => res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
  '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
};

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url!);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    const ipfs = new RegExp(`^/ipfs/${CID}/(\\d+)\\.json$`).exec(req.url!);
    if (ipfs) return void setTimeout(() => res.end(doc(Number(ipfs[1]))), 20);
    const route = routes[req.url!];
    if (route) return route(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  hits.length = 0;
  maxInFlight = 0;
});

const fetcher = (options: OffchainMetadataOptions = {}) => new MetadataFetcher({ ipfsGateway: base, fetchHttp: true, allowPrivate: true, ...options });

describe('MetadataFetcher', () => {
  it('fetches ipfs:// through the gateway path and http(s) as named, each URL once per job', async () => {
    const f = fetcher();
    await expect(f.fetch(`ipfs://${CID}/7.json`)).resolves.toEqual({ text: doc(7) });
    await expect(f.fetch(`ipfs://ipfs/${CID}/7.json`)).resolves.toEqual({ text: doc(7) });
    await expect(f.fetch(`${base}/plain/1.json`)).resolves.toEqual({ text: doc(1) });
    expect(hits).toEqual([`/ipfs/${CID}/7.json`, '/plain/1.json']);
    expect(f.fetchCount).toBe(2);
  });

  it('says why a URI is not fetched when its source is off', async () => {
    const off = new MetadataFetcher({});
    await expect(off.fetch(`ipfs://${CID}/1.json`)).resolves.toEqual({ error: 'ipfs metadata is not fetched: no IPFS gateway is configured' });
    await expect(off.fetch(`${base}/plain/1.json`)).resolves.toEqual({ error: 'http metadata is not fetched: HTTP metadata fetching is off' });
    await expect(off.fetch('ar://abc')).resolves.toEqual({ error: 'off-chain metadata (ar) is not fetched' });
    await expect(fetcher().fetch(`ipfs://${CID}/../../etc`)).resolves.toEqual({ error: 'not an ipfs://<cid>/<path> URI' });
    await expect(fetcher().fetch('http://exa mple/1.json')).resolves.toEqual({ error: 'blocked by the SSRF guard: URL is not a valid URL' });
    expect(hits).toEqual([]);
  });

  it('names HTTP errors, timeouts and bodies over 64 KiB (streamed or declared)', async () => {
    const f = fetcher({ timeoutMs: 300 });
    await expect(f.fetch(`${base}/missing`)).resolves.toEqual({ error: 'HTTP 404' });
    await expect(f.fetch(`${base}/slow`)).resolves.toEqual({ error: 'timeout after 300 ms' });
    await expect(f.fetch(`${base}/huge`)).resolves.toEqual({ error: `metadata over ${MAX_FETCHED_METADATA_BYTES} bytes` });
    await expect(f.fetch(`${base}/declared-huge`)).resolves.toEqual({ error: `metadata over ${MAX_FETCHED_METADATA_BYTES} bytes` });
  });

  it('follows a redirect only after checking its target, and refuses loops', async () => {
    const f = fetcher();
    await expect(f.fetch(`${base}/to-plain`)).resolves.toEqual({ text: doc(1) });
    const blocked = await f.fetch(`${base}/to-metadata`);
    expect(blocked).toEqual({ error: expect.stringMatching(/^blocked by the SSRF guard: .*metadata/) });
    await expect(f.fetch(`${base}/loop`)).resolves.toEqual({ error: 'more than 3 redirects' });
    expect(hits).toEqual(['/to-plain', '/plain/1.json', '/to-metadata', '/loop', '/loop', '/loop', '/loop']);
  });

  it('refuses loopback unless allowed, and private or metadata addresses a name resolves to, before connecting', async () => {
    await expect(fetcher({ allowPrivate: false }).fetch(`${base}/plain/1.json`)).resolves.toEqual({ error: expect.stringMatching(/^blocked by the SSRF guard: .*loopback/) });
    const resolvesTo = (...addresses: string[]) => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    const strict = { allowPrivate: false, ipfsGateway: 'http://gateway.test' } as const;
    await expect(fetcher({ ...strict, lookup: resolvesTo('10.1.2.3') }).fetch(`ipfs://${CID}/1.json`)).resolves.toEqual({ error: expect.stringMatching(/SSRF guard: .*private/) });
    await expect(fetcher({ ...strict, lookup: resolvesTo('93.184.216.34', '169.254.169.254') }).fetch(`ipfs://${CID}/1.json`)).resolves.toEqual({ error: expect.stringMatching(/SSRF guard: .*non-public address \(linkLocal\)/) });
    await expect(fetcher({ lookup: resolvesTo() }).fetch('http://nowhere.test/1.json')).resolves.toEqual({ error: expect.stringMatching(/SSRF guard: .*does not resolve/) });
    expect(hits).toEqual([]);
  });

  it('connects to the address it checked: the host is resolved once per fetch and never again (no rebinding)', async () => {
    const port = new URL(base).port;
    const answers = [['127.0.0.1'], ['169.254.169.254']];
    const asked: string[] = [];
    const rebinding = async (host: string) => {
      asked.push(host);
      return (answers.shift() ?? ['169.254.169.254']).map((address) => ({ address, family: 4 }));
    };
    const f = fetcher({ ipfsGateway: `http://gateway.test:${port}`, lookup: rebinding });
    await expect(f.fetch(`ipfs://${CID}/3.json`)).resolves.toEqual({ text: doc(3) });
    expect(asked).toEqual(['gateway.test']);
    // The next URL on the same host gets the rebinding answer, and is refused before connecting.
    await expect(f.fetch(`ipfs://${CID}/4.json`)).resolves.toEqual({ error: expect.stringMatching(/SSRF guard: .*metadata/) });
    expect(hits).toEqual([`/ipfs/${CID}/3.json`]);
  });

  it('keeps to the fetch budget and the concurrency cap, and names the tokens past the budget', async () => {
    const f = fetcher({ maxFetches: 5, concurrency: 2 });
    const got = await Promise.all(Array.from({ length: 8 }, (_, i) => f.fetch(`ipfs://${CID}/${i}.json`)));
    expect(got.filter((g) => 'text' in g)).toHaveLength(5);
    expect(got.filter((g) => 'error' in g)).toEqual(Array(3).fill({ error: 'metadata fetch budget spent (5 fetches per job)' }));
    expect(maxInFlight).toBe(2);
    expect(hits).toHaveLength(5);
  });

  it('names the tokens left when the job’s metadata time is spent, and stops when the job is aborted', async () => {
    const f = fetcher({ totalTimeoutMs: 200, timeoutMs: 5_000 });
    await expect(f.fetch(`${base}/slow`)).resolves.toEqual({ error: 'metadata time budget spent (200 ms per job)' });
    await expect(f.fetch(`ipfs://${CID}/1.json`)).resolves.toEqual({ error: 'metadata time budget spent (200 ms per job)' });
    const job = new AbortController();
    const aborted = new MetadataFetcher({ fetchHttp: true, allowPrivate: true }, job.signal).fetch(`${base}/slow`);
    setTimeout(() => job.abort(new Error('job cancelled')), 50);
    await expect(aborted).rejects.toThrow('job cancelled');
  });
});
