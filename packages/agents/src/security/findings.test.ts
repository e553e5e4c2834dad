import { toFunctionSelector } from 'viem';
import { capabilityFindings, liquidityFindings } from './findings';
import { capabilitiesOf, matchRiskyFunctions } from './risky-functions';
import type { SecurityContract, SecurityHolders, SecurityLiquidity, SecurityTrading } from './schemas';

/** The facts capabilityFindings reads, for a dispatcher exposing `signatures` (no stub of the catalogue: the real one). */
function facts(signatures: string[], ownershipRenounced: boolean | null = false) {
  const found = matchRiskyFunctions(signatures.map((s) => toFunctionSelector(`function ${s}`)));
  const contract = {
    ownershipRenounced,
    riskyFunctions: found.map((f) => ({ selector: f.selector, signature: f.signature, category: f.category, foundIn: 'contract' as const })),
  } as unknown as SecurityContract;
  return { contract, capabilities: capabilitiesOf(found) };
}

describe('capabilityFindings', () => {
  it('a setter makes a blacklist HIGH', () => {
    expect(capabilityFindings(facts(['setBlacklist(address,bool)', 'isBlacklisted(address)']))).toEqual([expect.objectContaining({ severity: 'high', title: 'Blacklist: addresses can be blocked' })]);
  });

  it('a getter alone is not HIGH: it shows the feature exists, not that anyone can switch it', () => {
    const [finding] = capabilityFindings(facts(['isBlacklisted(address)']));
    expect(finding).toMatchObject({ severity: 'medium', title: 'Blacklist: addresses can be blocked' });
    expect(finding!.evidence).toMatch(/Only a getter was found/);
    expect(capabilityFindings(facts(['cooldownEnabled()']))).toEqual([expect.objectContaining({ severity: 'medium', title: 'Trading cooldown' })]);
  });

  it('renounced ownership lowers a setter one step', () => {
    expect(capabilityFindings(facts(['mint(address,uint256)'], true))).toEqual([expect.objectContaining({ severity: 'medium' })]);
  });

  it('an anti-whale limit the owner can change is HIGH, a fixed one medium', () => {
    expect(capabilityFindings(facts(['maxTxAmount()', 'setMaxTxAmount(uint256)']))[0]).toMatchObject({ severity: 'high' });
    expect(capabilityFindings(facts(['maxTxAmount()']))[0]).toMatchObject({ severity: 'medium' });
  });
});

describe('liquidityFindings', () => {
  const POOL = '0x00000000000000000000000000000000000000a1';
  const HOLDER = '0x00000000000000000000000000000000000000b2';
  /** A V2 pool whose LP is 90 % with one holder, nothing burned or locked. */
  function lpWith(holder: { isContract: boolean; tag: 'owner' | null }) {
    const pool = {
      address: POOL,
      dex: 'uniswap-v2',
      feeTier: null,
      lpBurnedPercent: 0,
      lpLockedPercent: 0,
      lpLocks: [],
      lpHolderCount: 2,
      lpUnknownReason: null,
      lpHolders: [{ address: HOLDER, balance: '90', percent: 90, ...holder }],
    };
    return {
      liquidity: { pools: [pool] } as unknown as SecurityLiquidity,
      trading: { method: 'pool' } as unknown as SecurityTrading,
      lpHoldersIncomplete: false,
      holders: {} as SecurityHolders,
    };
  }

  it('one account holding the LP can pull the liquidity: HIGH', () => {
    expect(liquidityFindings(lpWith({ isContract: false, tag: null }))).toEqual([expect.objectContaining({ severity: 'high', title: 'Liquidity can be pulled by one holder' })]);
    expect(liquidityFindings(lpWith({ isContract: true, tag: 'owner' }))).toEqual([expect.objectContaining({ severity: 'high' })]);
  });

  it('a contract that is not a known locker: what it can do is unknown, said as such and not HIGH', () => {
    const [finding] = liquidityFindings(lpWith({ isContract: true, tag: null }));
    expect(finding).toMatchObject({ severity: 'medium', title: 'Liquidity held by a contract of unknown lock status' });
    expect(finding!.evidence).toContain(HOLDER);
  });
});
