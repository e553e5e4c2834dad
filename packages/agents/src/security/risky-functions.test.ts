import { toFunctionSelector } from 'viem';
import { capabilitiesOf, matchRiskyFunctions } from './risky-functions';

const sel = (signature: string) => toFunctionSelector(`function ${signature}`);

describe('risky functions', () => {
  it('maps dispatcher selectors to catalogued functions and capabilities', () => {
    const found = matchRiskyFunctions([sel('transfer(address,uint256)'), sel('mint(address,uint256)'), sel('setBlacklist(address,bool)'), sel('maxTxAmount()')]);
    expect(found.map((f) => f.signature)).toEqual(['maxTxAmount()', 'setBlacklist(address,bool)', 'mint(address,uint256)']);
    expect(capabilitiesOf(found)).toEqual({
      mintable: true,
      transferPausable: false,
      blacklist: true,
      whitelist: false,
      ownerCanChangeBalance: false,
      taxModifiable: false,
      tradingCooldown: false,
      antiWhale: true,
      antiWhaleModifiable: false,
    });
  });

  it('marks an anti-whale limit modifiable only when a setter exists', () => {
    expect(capabilitiesOf(matchRiskyFunctions([sel('setMaxTxAmount(uint256)')])).antiWhaleModifiable).toBe(true);
    expect(capabilitiesOf(matchRiskyFunctions([sel('removeLimits()')])).antiWhaleModifiable).toBe(false);
  });

  it('does not treat a V2 pair’s permissionless mint(address) as owner minting', () => {
    expect(matchRiskyFunctions([sel('mint(address)')])).toEqual([]);
  });
});
