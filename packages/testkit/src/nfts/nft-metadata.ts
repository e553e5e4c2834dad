import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The IPFS directory of the ERC-1155 collection's metadata (a fixed, well-formed CIDv1; nothing is pinned anywhere). */
export const BADGE_CID = 'bafybeihpjhkeuiq3k6nqa3fkgeigeri7iebtrsuyuey5y6vy36n345xmbi';
/** `uri(id)` of every badge: the ERC-1155 `{id}` template (64 lower-case hex digits, filled in by clients). */
export const BADGE_URI = `ipfs://${BADGE_CID}/{id}.json`;

/** Badge traits by id (1–5): metal and shape. Bronze is common, Gold rare. */
export const BADGE_TRAITS: ReadonlyMap<bigint, readonly [metal: string, shape: string]> = new Map([
  [1n, ['Bronze', 'Round']],
  [2n, ['Silver', 'Round']],
  [3n, ['Gold', 'Star']],
  [4n, ['Bronze', 'Star']],
  [5n, ['Bronze', 'Round']],
]);

/** The IPFS directory of the one critter whose tokenURI is off chain (token 19). */
export const CRITTER_CID = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';

/** The gateway path (`/ipfs/<cid>/<file>`) of a badge's metadata, as the `{id}` template expands. */
export const badgeGatewayPath = (id: bigint) => `/ipfs/${BADGE_CID}/${id.toString(16).padStart(64, '0')}.json`;

/**
 * The off-chain metadata documents of the NFT scenario, by gateway path: every badge, and the
 * critter `critterTraits` describes (token 19, whose tokenURI is `ipfs://<CRITTER_CID>/19.json`).
 */
export function nftScenarioDocuments(critter: { tokenId: bigint; traits: readonly [string, string, string] }): Map<string, string> {
  const docs = new Map<string, string>();
  for (const [id, [metal, shape]] of BADGE_TRAITS) {
    docs.set(badgeGatewayPath(id), JSON.stringify({ name: `OCA Badge #${id}`, attributes: [{ trait_type: 'Metal', value: metal }, { trait_type: 'Shape', value: shape }, { trait_type: 'Edition', value: Number(id), display_type: 'number' }] }));
  }
  const [background, body, hat] = critter.traits;
  const attributes = [{ trait_type: 'Background', value: background }, { trait_type: 'Body', value: body }, ...(hat ? [{ trait_type: 'Hat', value: hat }] : [])];
  docs.set(`/ipfs/${CRITTER_CID}/${critter.tokenId}.json`, JSON.stringify({ name: `OCA Critter #${critter.tokenId}`, attributes }));
  return docs;
}

/** A local IPFS-gateway-shaped HTTP server (see `startIpfsGateway`). */
export interface IpfsGateway {
  /** `http://127.0.0.1:<port>`, to use as the gateway base URL. */
  url: string;
  /** Paths requested, in order. */
  requests: string[];
  stop(): Promise<void>;
}

/**
 * Serves `documents` (gateway path → JSON) on 127.0.0.1 like an IPFS HTTP gateway's path form
 * (`/ipfs/<cid>/<path>`); anything else is a 404. The tests' stand-in for a public gateway.
 */
export async function startIpfsGateway(documents: ReadonlyMap<string, string>): Promise<IpfsGateway> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = documents.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
