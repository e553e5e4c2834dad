import type { AddressData } from '@oca/contracts';
import type { Address, Hex } from 'viem';
import { addressFindings, addressSummary, type AddressFacts } from './address-report';
import { delegationTarget } from './account-read';

const ZERO: Hex = `0x${'00'.repeat(32)}`;
const TARGET: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const IMPL: Address = '0x9A676e781A523b5d0C0e43731313A708CB607508';
const ADMIN: Address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

const eoaData: AddressData = {
  kind: 'eoa',
  balanceWei: '1500000000000000000',
  balance: '1.5',
  nonce: 3,
  codeSize: 0,
  codeHash: null,
  token: null,
  proxy: null,
};

function facts(data: Partial<AddressData>, extra: Partial<AddressFacts> = {}): AddressFacts {
  return {
    network: 'ethereum',
    target: TARGET,
    blockNumber: 123n,
    nativeSymbol: 'ETH',
    data: { ...eoaData, ...data },
    slots: { implementation: ZERO, admin: ZERO, beacon: ZERO },
    delegatedTo: null,
    beaconImplementation: null,
    ...extra,
  };
}

const pad = (a: Address): Hex => `0x${a.slice(2).toLowerCase().padStart(64, '0')}`;

describe('address report', () => {
  it('describes an EOA', () => {
    const f = facts({});
    expect(addressSummary(f)).toBe(`${TARGET} on ethereum is an externally owned account, holding 1.5 ETH at block 123.`);
    expect(addressFindings(f)).toEqual([
      { severity: 'info', title: 'Externally owned account', evidence: 'No code at block 123; nonce 3 (transactions sent).' },
    ]);
  });

  it('describes an ERC-20 contract and flags metadata that did not answer', () => {
    const f = facts({
      kind: 'contract',
      codeSize: 10,
      codeHash: '0xabc',
      token: { standard: 'ERC20', name: null, symbol: 'DEMO', decimals: 18, totalSupply: '100' },
    });
    expect(addressSummary(f)).toBe(`${TARGET} on ethereum is a contract (ERC-20 "DEMO"), holding 1.5 ETH at block 123.`);
    const findings = addressFindings(f);
    expect(findings.map((x) => [x.severity, x.title])).toEqual([
      ['info', 'Contract'],
      ['info', 'ERC-20 token DEMO'],
      ['low', 'Token metadata not exposed'],
    ]);
    expect(findings[1]?.evidence).toBe('name not exposed, symbol "DEMO", decimals 18, totalSupply 100 raw units.');
    expect(findings[2]?.evidence).toMatch(/^name\(\) reverted/);
  });

  it('says so when a contract has no token standard', () => {
    expect(addressFindings(facts({ kind: 'contract', codeSize: 1, codeHash: '0x1' })).map((x) => x.title)).toEqual([
      'Contract',
      'No token standard detected',
    ]);
  });

  it('flags an upgradeable proxy with the slot values as evidence', () => {
    const f = facts(
      { kind: 'contract', codeSize: 1, codeHash: '0x1', proxy: { standard: 'EIP-1967', implementation: IMPL, admin: ADMIN, beacon: null } },
      { slots: { implementation: pad(IMPL), admin: pad(ADMIN), beacon: ZERO } },
    );
    expect(addressSummary(f)).toContain('a contract behind an upgradeable EIP-1967 proxy');
    const proxy = addressFindings(f).find((x) => x.severity === 'medium');
    expect(proxy?.title).toBe('Upgradeable proxy: admin can change code');
    expect(proxy?.evidence).toContain(`0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc = ${pad(IMPL)}`);
    expect(proxy?.evidence).toContain(`admin slot 0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103 = ${pad(ADMIN)}`);
  });

  it('notes UUPS when the admin slot is empty, and resolves beacons', () => {
    const uups = facts({ kind: 'contract', codeSize: 1, codeHash: '0x1', proxy: { standard: 'EIP-1967', implementation: IMPL, admin: null, beacon: null } });
    expect(addressFindings(uups).at(-1)?.evidence).toContain('(UUPS)');
    const beacon = facts(
      { kind: 'contract', codeSize: 1, codeHash: '0x1', proxy: { standard: 'EIP-1967', implementation: null, admin: null, beacon: ADMIN } },
      { beaconImplementation: IMPL },
    );
    const finding = addressFindings(beacon).at(-1);
    expect(finding?.title).toBe('Beacon proxy: the beacon owner can change code');
    expect(finding?.evidence).toContain(`beacon.implementation() = ${IMPL}`);
  });

  it('flags an EIP-7702 delegated EOA', () => {
    const f = facts({ codeSize: 23, codeHash: '0x1' }, { delegatedTo: IMPL });
    expect(addressSummary(f)).toContain(`delegating its code to ${IMPL} (EIP-7702)`);
    expect(addressFindings(f)[0]).toMatchObject({ severity: 'medium', title: 'EOA delegates its code (EIP-7702)' });
  });
});

describe('delegationTarget', () => {
  it('reads an EIP-7702 designator and nothing else', () => {
    expect(delegationTarget(`0xef0100${IMPL.slice(2)}`)).toBe(IMPL);
    expect(delegationTarget('0x')).toBeNull();
    expect(delegationTarget(`0xef0100${IMPL.slice(2)}00`)).toBeNull();
    expect(delegationTarget(`0xef0000${IMPL.slice(2)}`)).toBeNull();
  });
});
