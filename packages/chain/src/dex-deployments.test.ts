import { getAddress } from 'viem';
import { DEX_DEPLOYMENTS, dexQuoteTokens, type DexDeployment } from './dex-deployments';

function listedAddresses(d: DexDeployment) {
  return [
    ...dexQuoteTokens(d).map((q) => q.address),
    ...d.v2Factories.map((f) => f.address),
    ...d.v3Factories.map((f) => f.address),
    ...(d.solidlyFactories ?? []).map((f) => f.address),
  ];
}

describe('DEX_DEPLOYMENTS', () => {
  it('lists checksummed, distinct addresses for every network', () => {
    for (const [network, d] of Object.entries(DEX_DEPLOYMENTS)) {
      // A typo in one character breaks the EIP-55 checksum; getAddress would fix the case, not the digit.
      for (const address of listedAddresses(d)) expect({ network, address }).toEqual({ network, address: getAddress(address) });
      expect(new Set(listedAddresses(d)).size).toBe(listedAddresses(d).length);
      expect(d.usdStables.length).toBeGreaterThan(0);
    }
  });

  it('lists the bridged stablecoins and the fork factories users trade on', () => {
    const symbols = (network: keyof typeof DEX_DEPLOYMENTS) => DEX_DEPLOYMENTS[network].usdStables.map((s) => s.symbol);
    expect(symbols('polygon')).toEqual(expect.arrayContaining(['USDC', 'USDC.e', 'USDT']));
    expect(symbols('arbitrum')).toEqual(expect.arrayContaining(['USDC', 'USDC.e', 'USDT']));
    expect(symbols('optimism')).toEqual(expect.arrayContaining(['USDC', 'USDC.e', 'USDT']));
    expect(DEX_DEPLOYMENTS.bsc.v2Factories).toContainEqual(expect.objectContaining({ name: 'pancakeswap-v2', feeBps: 25 }));
    expect(DEX_DEPLOYMENTS.bsc.v3Factories).toContainEqual(expect.objectContaining({ name: 'pancakeswap-v3', flavour: 'pancakeswap', feeTiers: [100, 500, 2500, 10000] }));
    expect(DEX_DEPLOYMENTS.base.solidlyFactories?.map((f) => f.kind)).toEqual(['solidly', 'slipstream']);
    expect(DEX_DEPLOYMENTS.optimism.solidlyFactories?.map((f) => f.kind)).toEqual(['solidly', 'slipstream']);
  });

  it('lists SushiSwap where it trades (Uniswap V2 code: the default fee)', () => {
    for (const network of ['ethereum', 'polygon', 'bsc', 'arbitrum'] as const) {
      expect(DEX_DEPLOYMENTS[network].v2Factories).toContainEqual(expect.objectContaining({ name: 'sushiswap' }));
      expect(DEX_DEPLOYMENTS[network].v2Factories.find((f) => f.name === 'sushiswap')?.feeBps).toBeUndefined();
    }
  });

  it('gives every PancakeSwap factory its fee or callback flavour, on BSC and on the devnet the fork scenario builds', () => {
    for (const network of ['bsc', 'ethereum', 'arbitrum', 'base', 'devnet'] as const) {
      const d = DEX_DEPLOYMENTS[network];
      for (const f of d.v2Factories.filter((f) => f.name === 'pancakeswap-v2')) expect({ network, feeBps: f.feeBps }).toEqual({ network, feeBps: 25 });
      for (const f of d.v3Factories.filter((f) => f.name === 'pancakeswap-v3')) expect({ network, flavour: f.flavour }).toEqual({ network, flavour: 'pancakeswap' });
      expect(d.v3Factories.map((f) => f.name)).toContain('pancakeswap-v3');
    }
  });
});
