import { getAddress } from 'viem';
import { DEX_DEPLOYMENTS, dexQuoteTokens } from './dex-deployments';

describe('DEX_DEPLOYMENTS', () => {
  it('lists checksummed, distinct addresses for every network', () => {
    for (const [network, d] of Object.entries(DEX_DEPLOYMENTS)) {
      const addresses = [...dexQuoteTokens(d).map((q) => q.address), ...d.v2Factories.map((f) => f.address), ...d.v3Factories.map((f) => f.address)];
      for (const address of addresses) expect({ network, address }).toEqual({ network, address: getAddress(address) });
      expect(new Set(dexQuoteTokens(d).map((q) => q.address)).size).toBe(dexQuoteTokens(d).length);
      expect(d.usdStables.length).toBeGreaterThan(0);
    }
  });
});
