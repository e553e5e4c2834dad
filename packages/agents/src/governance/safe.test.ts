import { safeFacts } from './safe';

// Pure: the probe answers as readSafe passes them (the chain reads are covered by the governance suite on a real Safe 1.4.1).
const SAFE = '0x1111111111111111111111111111111111111111';
const OWNER = '0x2222222222222222222222222222222222222222';
const MODULE = '0x3333333333333333333333333333333333333333';

describe('safeFacts', () => {
  it('a Safe answers VERSION, getOwners and a non-zero getThreshold', () => {
    expect(safeFacts(SAFE, '1.4.1', [OWNER], 1n, [[MODULE], '0x0000000000000000000000000000000000000001'])).toEqual({ address: SAFE, version: '1.4.1', owners: [OWNER], threshold: 1, modules: [MODULE] });
    // No getModulesPaginated (Safe before 1.1): modules unknown, not none.
    expect(safeFacts(SAFE, '1.0.0', [OWNER], 2n, null)?.modules).toBeNull();
  });

  it('anything else is not a Safe', () => {
    expect(safeFacts(SAFE, null, [OWNER], 1n, null)).toBeNull();
    expect(safeFacts(SAFE, '1.4.1', null, 1n, null)).toBeNull();
    expect(safeFacts(SAFE, '1.4.1', [OWNER], null, null)).toBeNull();
    // An uninitialised singleton: no owners, threshold 0.
    expect(safeFacts(SAFE, '1.4.1', [], 0n, null)).toBeNull();
  });
});
