import { NETWORKS, type Network } from '@oca/contracts';
import { encodeAbiParameters, encodePacked, getAddress, getContractAddress, keccak256, zeroAddress, type Address, type Hex } from 'viem';
import { DEX_DEPLOYMENTS } from '../dex-deployments';
import { LP_LOCKERS } from '../lp-lockers';
import { DEX_POOLS, type DexPool, type PoolDex } from './dex-pools';
import { ADDRESS_LABELS, DEVNET_EXCHANGE_WALLET, labelOf } from '.';

const MAINNETS = NETWORKS.filter((n): n is Exclude<Network, 'devnet'> => n !== 'devnet');

/**
 * Init-code hashes as each DEX publishes them: UniswapV2Library.pairFor, v3-periphery
 * PoolAddress.POOL_INIT_CODE_HASH (the testkit checks it against the npm pool bytecode), and
 * PancakeLibrary.pairFor on BSC.
 */
const INIT_CODE_HASH: Readonly<Record<PoolDex, Hex>> = {
  'uniswap-v2': '0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f',
  'uniswap-v3': '0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54',
  'pancakeswap-v2': '0x00fb7f630766e6a796048ea87d01acd3068e8ff67d078148a3fa3f4a84f69bd5',
};

/** The pool's address recomputed from its factory in DEX_DEPLOYMENTS, its sorted tokens (and fee). */
function create2PoolAddress(network: Exclude<Network, 'devnet'>, pool: DexPool): Address {
  const deployment = DEX_DEPLOYMENTS[network];
  const factory = [...deployment.v2Factories, ...deployment.v3Factories].find((f) => f.name === pool.dex);
  if (!factory) throw new Error(`${network}: no ${pool.dex} factory in DEX_DEPLOYMENTS`);
  const [t0, t1] = [pool.tokens[0].address, pool.tokens[1].address].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)) as [Address, Address];
  const salt =
    pool.fee === undefined
      ? keccak256(encodePacked(['address', 'address'], [t0, t1]))
      : keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'uint24' }], [t0, t1, pool.fee]));
  return getContractAddress({ opcode: 'CREATE2', from: factory.address, salt, bytecodeHash: INIT_CODE_HASH[pool.dex] });
}

describe('address labels', () => {
  it.each(NETWORKS)('%s: every address is EIP-55 checksummed and every entry names its source', (network) => {
    for (const label of ADDRESS_LABELS[network]) {
      // A mistyped address almost never passes the checksum; a lower-case one would skip the check.
      expect({ name: label.name, address: getAddress(label.address) }).toEqual({ name: label.name, address: label.address });
      expect(label.source.length).toBeGreaterThan(10);
      expect(label.name.trim()).not.toBe('');
    }
  });

  it.each(NETWORKS)('%s: no address carries two labels', (network) => {
    const seen = new Map<string, string>();
    for (const label of ADDRESS_LABELS[network]) {
      const key = label.address.toLowerCase();
      const earlier = seen.get(key);
      if (earlier !== undefined) throw new Error(`${network}: ${label.address} is labelled "${earlier}" and "${label.name}" (${label.kind})`);
      seen.set(key, `${label.name} (${label.kind})`);
    }
  });

  it('finds labels whatever the case of the address, per network', () => {
    expect(labelOf('ethereum', '0x28c6c06298d514db089934071355e5743bf21d60')).toMatchObject({ name: 'Binance 14', kind: 'exchange' });
    expect(labelOf('ethereum', '0x910CBD523D972EB0A6F4CAE4618AD62622B39DBF')?.kind).toBe('mixer');
    expect(labelOf('bsc', '0x28C6c06298d514Db089934071355E5743bf21d60')).toBeUndefined();
    expect(labelOf('devnet', DEVNET_EXCHANGE_WALLET)?.kind).toBe('exchange');
    expect(labelOf('base', '0x1111111111111111111111111111111111111111')).toBeUndefined();
  });

  it('labels the burn sinks and the known LP lockers on every network', () => {
    for (const network of NETWORKS) {
      expect(labelOf(network, zeroAddress)?.kind).toBe('burn');
      expect(labelOf(network, '0x000000000000000000000000000000000000dead')?.kind).toBe('burn');
      for (const locker of LP_LOCKERS[network]) expect(labelOf(network, locker.address)).toMatchObject({ kind: 'locker', name: locker.name });
    }
  });

  it.each(MAINNETS)('%s: lists exchange wallets, bridges and DEX pools', (network) => {
    const kinds = new Set(ADDRESS_LABELS[network].map((l) => l.kind));
    for (const kind of ['exchange', 'bridge', 'dex-pool', 'dex-router', 'burn'] as const) expect({ network, kind, listed: kinds.has(kind) }).toEqual({ network, kind, listed: true });
  });

  it.each(MAINNETS)('%s: every DEX pool is the CREATE2 address of its factory for its pair and fee', (network) => {
    expect(DEX_POOLS[network].length).toBeGreaterThan(0);
    for (const pool of DEX_POOLS[network]) {
      expect({ pool: pool.tokens.map((t) => t.symbol).join('/'), address: pool.address }).toEqual({ pool: pool.tokens.map((t) => t.symbol).join('/'), address: create2PoolAddress(network, pool) });
      expect(labelOf(network, pool.address)?.kind).toBe('dex-pool');
    }
  });

  it('labels known pools with their DEX, canonical bridges on both sides, and exchanges per network', () => {
    expect(labelOf('ethereum', '0x88e6a0c2ddd26feeb64f039a2c41296fcb3f5640')).toMatchObject({ kind: 'dex-pool', name: 'Uniswap V3: USDC/WETH 0.05 %' });
    expect(labelOf('ethereum', '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc')).toMatchObject({ kind: 'dex-pool', name: 'Uniswap V2: USDC/WETH' });
    expect(labelOf('bsc', '0x58f876857a02d6762e0101bb5c46a8c1ed44dc16')).toMatchObject({ kind: 'dex-pool', name: 'PancakeSwap V2: WBNB/BUSD' });
    // The OP Stack's L2StandardBridge predeploy sits at one address on OP Mainnet and Base; its L1 sides differ.
    for (const network of ['optimism', 'base'] as const) expect(labelOf(network, '0x4200000000000000000000000000000000000010')?.kind).toBe('bridge');
    expect(labelOf('ethereum', '0x99c9fc46f92e8a1c0dec1b1747d010903e884be1')).toMatchObject({ kind: 'bridge', name: 'OP Mainnet: L1StandardBridge' });
    expect(labelOf('ethereum', '0x3154cf16ccdb4c6d922629664174b904d80f2c35')).toMatchObject({ kind: 'bridge', name: 'Base: L1StandardBridge' });
    expect(labelOf('ethereum', '0x72ce9c846789fdb6fc1f34ac4ad25dd9ef7031ef')?.name).toBe('Arbitrum One: L1 Gateway Router');
    expect(labelOf('arbitrum', '0x5288c571fd7ad117bea99bf60fe0846c4e84f933')?.name).toBe('Arbitrum One: L2 Gateway Router');
    expect(labelOf('ethereum', '0xa0c68c638235ee32657e8f720a23cec1bfc77c77')?.name).toBe('Polygon PoS: RootChainManager');
    // The same EOA is Binance's on BSC and Ethereum; a network's list holds only what was sourced for it.
    expect(labelOf('bsc', '0xf977814e90da44bfa03b6295a0616a897441acec')).toMatchObject({ kind: 'exchange', name: 'Binance 8' });
    expect(labelOf('ethereum', '0x6cc5f688a315f3dc28a7781717a9a798a59fda7b')).toMatchObject({ kind: 'exchange', name: 'OKX 1' });
    expect(labelOf('arbitrum', '0x6cc5f688a315f3dc28a7781717a9a798a59fda7b')).toBeUndefined();
    // One KuCoin wallet, named by each network's explorer.
    expect(labelOf('arbitrum', '0xd6216fc19db775df9774a6e33526131da7d19a2c')).toMatchObject({ kind: 'exchange', name: 'KuCoin 1' });
    expect(labelOf('optimism', '0xd6216fc19db775df9774a6e33526131da7d19a2c')).toMatchObject({ kind: 'exchange', name: 'KuCoin 3' });
  });
});
