import { encodeFunctionData, parseAbi, type Address } from 'viem';
import { decodeCall, describeAction, executedCalldata, largeTransferNote, type TreasuryHoldings } from './proposal-actions';

const TIMELOCK: Address = '0x1000000000000000000000000000000000000001';
const TOKEN: Address = '0x2000000000000000000000000000000000000002';
const TO: Address = '0x3000000000000000000000000000000000000003';
const abi = parseAbi([
  'function transferFrom(address from, address to, uint256 amount)',
  'function transfer(address to, uint256 amount)',
  'function renounceOwnership()',
  'function mint(address to, uint256 amount)',
]);

const holdings: TreasuryHoldings = { executor: TIMELOCK, native: 100n, nativeSymbol: 'ETH', tokens: new Map([[TOKEN.toLowerCase(), { balance: 1_000n, symbol: 'GOV' }]]) };

describe('describeAction', () => {
  it('flags a transferFrom out of the treasury by its share, not one from elsewhere', () => {
    const out = describeAction({ target: TOKEN, value: 0n, signature: '', calldata: encodeFunctionData({ abi, functionName: 'transferFrom', args: [TIMELOCK, TO, 500n] }) }, holdings);
    expect(out).toMatchObject({ flags: ['treasury-transfer'], notes: [`transfers 50.00 % of the treasury's GOV to ${TO}`] });
    const elsewhere = describeAction({ target: TOKEN, value: 0n, signature: '', calldata: encodeFunctionData({ abi, functionName: 'transferFrom', args: [TO, TIMELOCK, 500n] }) }, holdings);
    expect(elsewhere.flags).toEqual([]);
  });

  it('leaves small transfers and unknown calls unflagged; unknown selectors are not decoded', () => {
    const small = describeAction({ target: TOKEN, value: 5n, signature: '', calldata: encodeFunctionData({ abi, functionName: 'transfer', args: [TO, 10n] }) }, holdings);
    expect(small).toMatchObject({ flags: [], decoded: { function: 'transfer(address,uint256)', args: [TO, '10'] } });
    const unknown = describeAction({ target: TOKEN, value: 0n, signature: '', calldata: encodeFunctionData({ abi, functionName: 'mint', args: [TO, 10n] }) }, holdings);
    expect(unknown).toMatchObject({ decoded: null, flags: [] });
    expect(decodeCall('0x')).toBeNull();
  });

  it('names ownership changes, and prepends an Alpha signature’s selector', () => {
    const data = executedCalldata({ signature: 'renounceOwnership()', calldata: '0x' });
    expect(data).toBe(encodeFunctionData({ abi, functionName: 'renounceOwnership' }));
    expect(describeAction({ target: TOKEN, value: 0n, signature: 'renounceOwnership()', calldata: '0x' }, holdings)).toMatchObject({ flags: ['ownership'], calldata: data });
  });

  it('a token the treasury does not hold, and a payment with no treasury to size against', () => {
    const noTreasury: TreasuryHoldings = { executor: null, native: null, nativeSymbol: 'ETH', tokens: new Map() };
    const out = describeAction({ target: TOKEN, value: 10n ** 18n, signature: '', calldata: encodeFunctionData({ abi, functionName: 'transfer', args: [TO, 10n] }) }, noTreasury);
    expect(out.flags).toEqual([]);
  });
});

describe('largeTransferNote', () => {
  it('sizes against the balance; an empty treasury flags any amount', () => {
    expect(largeTransferNote(10n, 100n, 'ETH')).toBe("10.00 % of the treasury's ETH");
    expect(largeTransferNote(9n, 100n, 'ETH')).toBeNull();
    expect(largeTransferNote(1n, 0n, 'ETH')).toBe('1 raw ETH, more than the treasury holds (none)');
    expect(largeTransferNote(0n, 0n, 'ETH')).toBeNull();
    expect(largeTransferNote(1n, null, 'ETH')).toBeNull();
  });
});
