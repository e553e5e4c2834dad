import { UNISWAP_V3, type NftScenario } from '@oca/testkit';
import { decodeEventLog, getAddress, parseAbi, parseAbiItem, zeroAddress, type Address, type Hash, type Hex, type PublicClient } from 'viem';

/**
 * NFT figures recomputed for the tests, independently of the agent: logs, receipts, `ownerOf`,
 * `tokenURI` and traces read through a separate viem client; Seaport events decoded with the ABI
 * solc produced for the scenario's Seaport build; rarity, wash filters and prices re-derived here
 * in plain doubles.
 */

const TRANSFER_721 = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)');
const TRANSFER_20 = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');
const NFT = parseAbi(['function ownerOf(uint256) view returns (address)', 'function tokenURI(uint256) view returns (string)', 'function totalSupply() view returns (uint256)']);
const PAIR = parseAbi(['function getReserves() view returns (uint112, uint112, uint32)', 'function token0() view returns (address)']);
const FACTORY = parseAbi(['function getPair(address, address) view returns (address)']);
const DAY = 86_400;

export interface TruthSale {
  tx: Hash;
  tokenId: bigint;
  seller: Address;
  buyer: Address;
  currency: Address | null;
  price: bigint;
  timestamp: number;
  blockNumber: bigint;
  /** The transaction holds a Uniswap V3 pool's `Flash` event (decoded with the npm pool ABI). */
  flashLoan: boolean;
}

export interface Truth {
  supply: bigint;
  owners: Map<bigint, Address>;
  /** Tokens per holder, most first (ties by lower-case address). */
  holders: { address: Address; tokens: bigint }[];
  mintsPerDay: Map<string, number>;
  mintCount: number;
  sales: TruthSale[];
  unpaid: number;
  /** USD per ETH from the WETH/dUSD pair's reserves. */
  ethUsd: number;
  /** Token → traits (lower-cased), for tokens with on-chain metadata; ids with an off-chain URI. */
  traits: Map<bigint, Map<string, string>>;
  offchain: Map<bigint, string>;
  /** First funder of each wallet (first native inflow with value, from trace_filter), null if none. */
  funderOf: Map<Address, Address | null>;
  codeAt: (a: Address) => Promise<boolean>;
  transferLogs: number;
  /** Whether the collection had code at the block before `block`. */
  codeBefore: (block: bigint) => Promise<boolean>;
}

export const pct = (part: bigint, whole: bigint) => Number((part * 100_000_000n) / whole) / 1_000_000;

/** `firstBlock`: the chain's first block (anvil serves trace_filter over at most 300 blocks). */
export async function readTruth(rpc: PublicClient, s: NftScenario, firstBlock: bigint): Promise<Truth> {
  const block = s.endBlock;
  const supply = await rpc.readContract({ address: s.collection, abi: NFT, functionName: 'totalSupply', blockNumber: block });
  const ids = Array.from({ length: Number(supply) }, (_, i) => BigInt(i + 1));
  const ownerList = await Promise.all(ids.map((id) => rpc.readContract({ address: s.collection, abi: NFT, functionName: 'ownerOf', args: [id], blockNumber: block })));
  const owners = new Map(ids.map((id, i) => [id, getAddress(ownerList[i]!)]));
  const counts = new Map<Address, bigint>();
  for (const o of owners.values()) counts.set(o, (counts.get(o) ?? 0n) + 1n);
  const holders = [...counts]
    .map(([address, tokens]) => ({ address, tokens }))
    .sort((a, b) => (a.tokens !== b.tokens ? (a.tokens > b.tokens ? -1 : 1) : a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));

  const logs = await rpc.getLogs({ address: s.collection, event: TRANSFER_721, fromBlock: firstBlock, toBlock: block, strict: true });
  const stamp = new Map<bigint, number>();
  for (const b of new Set(logs.map((l) => l.blockNumber))) stamp.set(b, Number((await rpc.getBlock({ blockNumber: b })).timestamp));
  const mints = logs.filter((l) => l.args.from === zeroAddress);
  const mintsPerDay = new Map<string, number>();
  for (const m of mints) {
    const day = new Date(stamp.get(m.blockNumber)! * 1000).toISOString().slice(0, 10);
    mintsPerDay.set(day, (mintsPerDay.get(day) ?? 0) + 1);
  }

  // Sales: each non-mint transfer's transaction, its Seaport event, ERC-20 payment or value.
  const moves = logs.filter((l) => l.args.from !== zeroAddress);
  const sales: TruthSale[] = [];
  let unpaid = 0;
  for (const m of moves) {
    const [receipt, tx] = await Promise.all([rpc.getTransactionReceipt({ hash: m.transactionHash }), rpc.getTransaction({ hash: m.transactionHash })]);
    const base = { tx: m.transactionHash, tokenId: m.args.tokenId, seller: m.args.from, buyer: m.args.to, timestamp: stamp.get(m.blockNumber)!, blockNumber: m.blockNumber, flashLoan: receipt.logs.some(isV3Flash) };
    const seaport = receipt.logs.filter((l) => getAddress(l.address) === s.seaport);
    let sale: TruthSale | null = null;
    for (const l of seaport) {
      const ev = decodeEventLog({ abi: s.seaportAbi, topics: l.topics, data: l.data }) as unknown as { eventName: string; args: { offer: { itemType: number; token: Address; identifier: bigint }[]; consideration: { itemType: number; token: Address; amount: bigint }[] } };
      if (ev.eventName !== 'OrderFulfilled' || !ev.args.offer.some((o) => o.itemType === 2 && o.identifier === m.args.tokenId)) continue;
      const pay = ev.args.consideration.filter((c) => c.itemType < 2);
      sale = { ...base, currency: pay[0]!.itemType === 0 ? null : getAddress(pay[0]!.token), price: pay.reduce((x, c) => x + c.amount, 0n) };
    }
    if (!sale) {
      const erc20 = receipt.logs.flatMap((l) => {
        try {
          const ev = decodeEventLog({ abi: [TRANSFER_20], topics: l.topics, data: l.data, strict: true });
          return ev.args.from === m.args.to && ev.args.to === m.args.from ? [{ token: getAddress(l.address), value: ev.args.value }] : [];
        } catch {
          return [];
        }
      });
      if (erc20.length > 0) sale = { ...base, currency: erc20[0]!.token, price: erc20.reduce((x, e) => x + e.value, 0n) };
      else if (tx.value > 0n && getAddress(tx.from) === m.args.to) sale = { ...base, currency: null, price: tx.value };
    }
    if (sale) sales.push(sale);
    else unpaid += 1;
  }

  const pair = await rpc.readContract({ address: s.core.uniswapV2Factory, abi: FACTORY, functionName: 'getPair', args: [s.core.weth, s.core.usd], blockNumber: block });
  const [[r0, r1], token0] = await Promise.all([
    rpc.readContract({ address: pair, abi: PAIR, functionName: 'getReserves', blockNumber: block }),
    rpc.readContract({ address: pair, abi: PAIR, functionName: 'token0', blockNumber: block }),
  ]);
  const [wethReserve, usdReserve] = getAddress(token0) === s.core.weth ? [r0, r1] : [r1, r0];
  const ethUsd = Number(usdReserve) / 1e6 / (Number(wethReserve) / 1e18);

  const uris = await Promise.all(ids.map((id) => rpc.readContract({ address: s.collection, abi: NFT, functionName: 'tokenURI', args: [id], blockNumber: block })));
  const traits = new Map<bigint, Map<string, string>>();
  const offchain = new Map<bigint, string>();
  ids.forEach((id, i) => {
    const uri = uris[i]!;
    const prefix = 'data:application/json;base64,';
    if (!uri.startsWith(prefix)) return void offchain.set(id, uri);
    const json = JSON.parse(Buffer.from(uri.slice(prefix.length), 'base64').toString()) as { attributes: { trait_type: string; value: string }[] };
    traits.set(id, new Map(json.attributes.map((a) => [a.trait_type.toLowerCase(), a.value.toLowerCase()])));
  });

  const wallets = [...new Set(sales.flatMap((x) => [x.buyer, x.seller]))];
  const traces = (await rpc.request({ method: 'trace_filter' as never, params: [{ fromBlock: `0x${firstBlock.toString(16)}`, toBlock: `0x${block.toString(16)}`, toAddress: wallets }] as never })) as {
    action: { from: Hex; to: Hex; value: Hex; callType?: string };
    error?: string;
    blockNumber: number;
    transactionPosition: number;
  }[];
  const funderOf = new Map<Address, Address | null>(wallets.map((w) => [w, null]));
  for (const t of traces) {
    if (t.error || !t.action.to || BigInt(t.action.value ?? '0x0') === 0n) continue;
    const to = getAddress(t.action.to);
    if (funderOf.get(to) === null) funderOf.set(to, getAddress(t.action.from));
  }
  return {
    supply,
    owners,
    holders,
    mintsPerDay,
    mintCount: mints.length,
    sales,
    unpaid,
    ethUsd,
    traits,
    offchain,
    funderOf,
    codeAt: async (a) => ((await rpc.getCode({ address: a, blockNumber: block })) ?? '0x') !== '0x',
    transferLogs: logs.length,
    codeBefore: async (b) => ((await rpc.getCode({ address: s.collection, blockNumber: b - 1n })) ?? '0x') !== '0x',
  };
}

/** OpenRarity by the definition (trait count as a trait, absent types as "null"), over `tokens`. */
export function rarityTruth(tokens: Map<bigint, Map<string, string>>): { entropy: number; score: Map<bigint, number>; ic: Map<bigint, number> } {
  const n = tokens.size;
  const rows = [...tokens].map(([id, t]) => [id, new Map([...t, ['meta_trait:trait_count', String(t.size)]])] as const);
  const types = new Set(rows.flatMap(([, t]) => [...t.keys()]));
  const freq = (type: string, value: string | undefined) => rows.filter(([, t]) => t.get(type) === value).length / n;
  let entropy = 0;
  for (const type of types) {
    const values = new Set(rows.map(([, t]) => t.get(type)));
    for (const v of values) entropy -= freq(type, v) * Math.log2(freq(type, v));
  }
  const ic = new Map(rows.map(([id, t]) => [id, [...types].reduce((sum, type) => sum - Math.log2(freq(type, t.get(type))), 0)]));
  return { entropy, ic, score: new Map([...ic].map(([id, v]) => [id, v / entropy])) };
}

/** Dune's filters over the recomputed sales, with the recomputed funders (contracts do not count). */
export async function washTruth(t: Truth): Promise<Map<Hash, string[]>> {
  const out = new Map<Hash, string[]>();
  const near = (a: TruthSale, b: TruthSale) => Math.abs(a.timestamp - b.timestamp) <= 30 * DAY;
  const funder = async (w: Address) => {
    const f = t.funderOf.get(w) ?? null;
    return f !== null && !(await t.codeAt(f)) ? f : null;
  };
  for (const s of t.sales) {
    const f: string[] = [];
    const same = t.sales.filter((o) => o.tokenId === s.tokenId);
    if (s.buyer === s.seller) f.push('buyer_is_seller');
    if (s.buyer !== s.seller && same.some((o) => o.buyer === s.seller && o.seller === s.buyer && near(o, s))) f.push('back_and_forth');
    if (same.filter((o) => o.buyer === s.buyer && near(o, s)).length >= 3) f.push('repeat_buyer');
    const [fb, fs] = [await funder(s.buyer), await funder(s.seller)];
    if (s.buyer !== s.seller && fb !== null && fb === fs) f.push('common_funder');
    if (s.flashLoan) f.push('flash_loan');
    out.set(s.tx, f);
  }
  return out;
}

/** A Uniswap V3 pool's `Flash` event, whichever pool emitted it. */
export function isV3Flash(log: { topics: [Hex, ...Hex[]] | []; data: Hex }): boolean {
  try {
    return decodeEventLog({ abi: UNISWAP_V3.pool.abi, topics: log.topics, data: log.data }).eventName === 'Flash';
  } catch {
    return false;
  }
}
