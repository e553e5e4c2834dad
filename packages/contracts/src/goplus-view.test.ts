import { SecurityResult, type SecurityPool, type TokenHolder } from './agent-security';
import { GoPlusTokenSecurityResponse } from './goplus-token-security';
import { toGoPlus } from './goplus-view';

// The mapping on hand-built results; security.agent.test.ts (@oca/agents) checks it on the
// security agent's results for the scenario tokens on anvil.

const TOKEN = '0xa513E6E4b8f2a923D98304ec87F64353C4D5C853';
const OWNER = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const PAIR = '0xF4c09F1cD26271EcE37b0141Ac694E5aA8f45b97';
const V3_POOL = '0x1111111111111111111111111111111111111111';
const LOCKER = '0xD456BD57a984f2AE64B1bc6fC4F3d5DF67b7D8Cf';
const EXPIRED_LOCKER = '0x2222222222222222222222222222222222222222';
const DEAD = '0x000000000000000000000000000000000000dEaD';
const WETH = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

const UNKNOWN_CREATOR = { address: null, transaction: null, factory: null, block: null, method: null, unknownReason: 'not read' };
const holder = (address: string, balance: string, percent: number, tag: TokenHolder['tag'], isContract = false): TokenHolder => ({ address, balance, percent, isContract, tag });

function pool(overrides: Partial<SecurityPool>): SecurityPool {
  return {
    address: PAIR,
    dex: 'uniswap-v2',
    dexName: 'uniswap-v2',
    factory: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    token0: WETH,
    token1: TOKEN,
    feeTier: null,
    quoteToken: WETH,
    reserveToken: '500000000000',
    reserveQuote: '10000000000000000000',
    sqrtPriceX96: null,
    liquidity: null,
    lpTotalSupply: '2000000000000000000000',
    positionLiquidity: null,
    lpHolderCount: 3,
    lpHolders: [
      holder(LOCKER, '1000000000000000000000', 50, 'locker', true),
      holder(EXPIRED_LOCKER, '400000000000000000000', 20, 'locker', true),
      holder(DEAD, '600000000000000000000', 30, 'burn'),
    ],
    lpBurnedPercent: 30,
    lpLockedPercent: 50,
    lpUnattributedPercent: null,
    lpLocks: [
      { locker: LOCKER, name: 'still locking', heldPercent: 50, lockedPercent: 50, expiryChecked: true },
      { locker: EXPIRED_LOCKER, name: 'expired', heldPercent: 20, lockedPercent: 0, expiryChecked: true },
    ],
    lpUnknownReason: null,
    ...overrides,
  };
}

/** A 6-decimals token with an owner, a 12.5 % sell tax, a pausable transfer and one V2 pair. */
function result(pools: SecurityPool[] = [pool({})]): SecurityResult {
  return SecurityResult.parse({
    agent: 'security',
    network: 'devnet',
    target: TOKEN,
    blockNumber: '207',
    generatedAt: '2026-01-02T03:04:05.000Z',
    summary: 'test',
    findings: [],
    data: {
      token: { name: 'Six', symbol: 'SIX', decimals: 6, totalSupply: '1000000000000' },
      contract: { codeSize: 100, codeHash: '0x00', isProxy: false, proxy: null, ownerAddress: OWNER, creator: UNKNOWN_CREATOR, ownershipRenounced: false, selfdestruct: false, delegatecall: false, riskyFunctions: [] },
      capabilities: { mintable: true, transferPausable: true, blacklist: false, whitelist: false, ownerCanChangeBalance: false, taxModifiable: false, tradingCooldown: false, antiWhale: false, antiWhaleModifiable: false },
      trading: {
        method: 'v2-pair',
        pool: PAIR,
        dex: 'uniswap-v2',
        skippedPools: [],
        quoteToken: WETH,
        amountIn: '1000',
        buyTax: 0,
        sellTax: 0.125,
        transferTax: null,
        cannotBuy: false,
        cannotSellAll: false,
        isHoneypot: false,
        honeypotReason: null,
        buyGas: 1,
        sellGas: 1,
        holderAnalysis: null,
        limits: null,
      },
      holders: {
        holderCount: 2,
        topHolders: [holder(PAIR, '500000000000', 50, 'pool', true), holder(OWNER, '250000500000', 25.00005, 'owner')],
        top10Percent: 75.00005,
        ownerBalance: '250000500000',
        ownerPercent: 25.00005,
        creatorAddress: null,
        creatorBalance: null,
        creatorPercent: null,
        logsScanned: 2,
        scannedFromBlock: '1',
        historyComplete: true,
      },
      liquidity: { pools, lpBurnedPercent: 30, lpLockedPercent: 50 },
      score: 50,
      verdict: 'WARNING',
    },
  });
}

describe('toGoPlus', () => {
  it('answers in the GoPlus envelope keyed by the lower-case token address', () => {
    const view = GoPlusTokenSecurityResponse.parse(toGoPlus(result()));
    expect(Object.keys(view.result)).toEqual([TOKEN.toLowerCase()]);
  });

  it('renders flags as "1"/"0", unknowns as "", amounts in token units and shares as fractions', () => {
    const entry = toGoPlus(result()).result[TOKEN.toLowerCase()]!;
    expect(entry).toMatchObject({
      token_name: 'Six',
      total_supply: '1000000',
      holder_count: '2',
      is_mintable: '1',
      transfer_pausable: '1',
      is_blacklisted: '0',
      hidden_owner: '',
      owner_address: OWNER,
      owner_balance: '250000.5',
      owner_percent: '0.2500005',
      creator_address: '',
      creator_balance: '',
      buy_tax: '0',
      sell_tax: '0.125',
      transfer_tax: '',
      is_in_dex: '1',
      dex: [{ liquidity_type: 'UniV2', name: 'UniswapV2', pair: PAIR, liquidity: '' }],
    });
    expect(entry.holders[0]).toEqual({ address: PAIR, tag: 'UniswapV2', is_contract: '1', balance: '500000', percent: '0.5', is_locked: '0' });
  });

  it('describes a V2 pair\'s LP in 18-decimals units; a locker counts as locked only while it still locks', () => {
    const entry = toGoPlus(result()).result[TOKEN.toLowerCase()]!;
    expect(entry.lp_total_supply).toBe('2000');
    expect(entry.lp_holder_count).toBe('3');
    expect(entry.lp_holders.map((h) => [h.address, h.tag, h.balance, h.percent, h.is_locked])).toEqual([
      [LOCKER, 'Locker', '1000', '0.5', '1'],
      [EXPIRED_LOCKER, 'Locker', '400', '0.2', '0'],
      [DEAD, 'Burn', '600', '0.3', '1'],
    ]);
  });

  it('describes the deepest pool\'s LP when it is V3 with attributed positions: liquidity units, no total supply', () => {
    const v3 = pool({
      address: V3_POOL,
      dex: 'uniswap-v3',
      feeTier: 3000,
      lpTotalSupply: null,
      positionLiquidity: '4000',
      lpHolderCount: 1,
      lpHolders: [holder(OWNER, '4000', 100, 'owner')],
      lpLocks: [],
    });
    const entry = toGoPlus(result([v3, pool({})])).result[TOKEN.toLowerCase()]!;
    expect(entry.dex.map((d) => d.liquidity_type)).toEqual(['UniV3', 'UniV2']);
    expect(entry.lp_total_supply).toBe('');
    expect(entry.lp_holder_count).toBe('1');
    expect(entry.lp_holders).toEqual([{ address: OWNER, tag: '', is_contract: '0', balance: '4000', percent: '1', is_locked: '0' }]);
  });

  it('tags each pool among the holders, and names it under dex, by its own DEX', () => {
    const r = result([pool({ dexName: 'pancakeswap-v2' })]);
    const entry = toGoPlus(r).result[TOKEN.toLowerCase()]!;
    expect(entry.dex).toEqual([{ liquidity_type: 'UniV2', name: 'PancakeV2', pair: PAIR, liquidity: '' }]);
    expect(entry.holders[0]).toMatchObject({ address: PAIR, tag: 'PancakeV2' });
  });

  it('falls back to the deepest V2 pair when the V3 pool\'s positions are unattributed', () => {
    const unattributed = pool({ address: V3_POOL, dex: 'uniswap-v3', feeTier: 3000, lpTotalSupply: null, lpHolderCount: null, lpHolders: [], lpLocks: [] });
    const entry = toGoPlus(result([unattributed, pool({})])).result[TOKEN.toLowerCase()]!;
    expect(entry.lp_total_supply).toBe('2000');
    expect(entry.lp_holders).toHaveLength(3);
  });

  it('names the deployer as creator_address even when holders were not analysed', () => {
    const r = result();
    r.data.contract.creator = { address: OWNER, transaction: `0x${'ab'.repeat(32)}`, factory: null, block: '3', method: 'creation-receipt', unknownReason: null };
    r.data.holders = null;
    expect(toGoPlus(r).result[TOKEN.toLowerCase()]).toMatchObject({ creator_address: OWNER, creator_balance: '', creator_percent: '' });
  });

  it('leaves every LP field empty without a pool', () => {
    const entry = toGoPlus(result([])).result[TOKEN.toLowerCase()]!;
    expect(entry).toMatchObject({ is_in_dex: '0', dex: [], lp_holder_count: '', lp_total_supply: '', lp_holders: [] });
  });
});
