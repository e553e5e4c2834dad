import type { NftScenario } from '@oca/testkit';
import { getAddress, parseAbi, parseAbiItem, zeroAddress, type Address, type Hash, type PublicClient } from 'viem';
import { isV3Flash } from './expected-nft';

/**
 * The ERC-1155 collection's figures recomputed for the tests, apart from the agent: holdings from
 * `balanceOfBatch` at the block (accounts taken from the logs), sales from each transaction's
 * value, metadata from `uri(id)` read on chain and fetched from the test gateway by plain fetch.
 */

const TRANSFER_SINGLE = parseAbiItem('event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)');
const TRANSFER_BATCH = parseAbiItem('event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)');
const ERC1155 = parseAbi(['function balanceOfBatch(address[] accounts, uint256[] ids) view returns (uint256[])', 'function uri(uint256 id) view returns (string)']);

export interface BadgeSale {
  tx: Hash;
  tokenId: bigint;
  amount: bigint;
  seller: Address;
  buyer: Address;
  /** The transaction's value split evenly over the ids it moved to the buyer (the agent's documented rule). */
  price: bigint;
  flashLoan: boolean;
}

export interface BadgeTruth {
  ids: bigint[];
  supply: bigint;
  /** Units per holder, most first (ties by lower-case address). */
  holders: { address: Address; units: bigint }[];
  mintUnits: number;
  singleLogs: number;
  batchLogs: number;
  sales: BadgeSale[];
  unpaid: number;
  /** id → the URI `uri(id)` expands to, and the traits its document holds (lower-cased, strings only). */
  metadata: Map<bigint, { uri: string; traits: Map<string, string> }>;
}

export async function readBadgeTruth(rpc: PublicClient, s: NftScenario, firstBlock: bigint, gatewayUrl: string): Promise<BadgeTruth> {
  const block = s.endBlock;
  const address = s.badges.address;
  const [singles, batches] = await Promise.all([
    rpc.getLogs({ address, event: TRANSFER_SINGLE, fromBlock: firstBlock, toBlock: block, strict: true }),
    rpc.getLogs({ address, event: TRANSFER_BATCH, fromBlock: firstBlock, toBlock: block, strict: true }),
  ]);
  const moves = [
    ...singles.map((l) => [{ l, id: l.args.id, value: l.args.value }]),
    ...batches.map((l) => l.args.ids.map((id, i) => ({ l, id, value: l.args.values[i]! }))),
  ].flat();
  const ids = [...new Set(moves.filter((m) => m.l.args.from === zeroAddress).map((m) => m.id))].sort((a, b) => Number(a - b));
  const accounts = [...new Set(moves.map((m) => getAddress(m.l.args.to)))].filter((a) => a !== zeroAddress);
  const balances = await rpc.readContract({ address, abi: ERC1155, functionName: 'balanceOfBatch', args: [accounts.flatMap((a) => ids.map(() => a)), accounts.flatMap(() => ids)], blockNumber: block });
  const holders = accounts
    .map((a, i) => ({ address: a, units: balances.slice(i * ids.length, (i + 1) * ids.length).reduce((x, y) => x + y, 0n) }))
    .filter((h) => h.units > 0n)
    .sort((a, b) => (a.units !== b.units ? (a.units > b.units ? -1 : 1) : a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));

  const sales: BadgeSale[] = [];
  let unpaid = 0;
  const transfers = moves.filter((m) => m.l.args.from !== zeroAddress);
  for (const tx of new Set(transfers.map((m) => m.l.transactionHash))) {
    const inTx = transfers.filter((m) => m.l.transactionHash === tx);
    const [receipt, t] = await Promise.all([rpc.getTransactionReceipt({ hash: tx }), rpc.getTransaction({ hash: tx })]);
    for (const m of inTx) {
      const buyer = getAddress(m.l.args.to);
      if (t.value === 0n || getAddress(t.from) !== buyer) {
        unpaid += 1;
        continue;
      }
      const share = BigInt(inTx.filter((o) => getAddress(o.l.args.to) === buyer).length);
      sales.push({ tx, tokenId: m.id, amount: m.value, seller: getAddress(m.l.args.from), buyer, price: t.value / share, flashLoan: receipt.logs.some(isV3Flash) });
    }
  }

  const metadata = new Map<bigint, { uri: string; traits: Map<string, string> }>();
  for (const id of ids) {
    const template = await rpc.readContract({ address, abi: ERC1155, functionName: 'uri', args: [id], blockNumber: block });
    const uri = template.replaceAll('{id}', id.toString(16).padStart(64, '0'));
    metadata.set(id, { uri, traits: await gatewayTraits(gatewayUrl, uri) });
  }
  const minted = moves.filter((m) => m.l.args.from === zeroAddress).reduce((x, m) => x + Number(m.value), 0);
  return { ids, supply: holders.reduce((x, h) => x + h.units, 0n), holders, mintUnits: minted, singleLogs: singles.length, batchLogs: batches.length, sales, unpaid, metadata };
}

/** The string traits (no `display_type`) of the document an `ipfs://` URI names, fetched from the test gateway. */
export async function gatewayTraits(gatewayUrl: string, uri: string): Promise<Map<string, string>> {
  const res = await fetch(`${gatewayUrl}/ipfs/${uri.slice('ipfs://'.length)}`);
  if (!res.ok) throw new Error(`the test gateway answered ${res.status} for ${uri}`);
  const json = (await res.json()) as { attributes: { trait_type: string; value: unknown; display_type?: string }[] };
  return new Map(json.attributes.filter((a) => typeof a.value === 'string' && a.display_type === undefined).map((a) => [a.trait_type.toLowerCase(), (a.value as string).toLowerCase()]));
}
