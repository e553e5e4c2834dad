import { encodeErrorResult, getAddress, parseAbi, zeroAddress } from 'viem';
import type { ProbeLimits, Simulation } from './probe/security-probe';
import { freshBuyThrough, revertReason, tradeLimits, tradingFromSimulation } from './trading';

const PAIR = getAddress('0x00000000000000000000000000000000000000aa');
const WETH = getAddress('0x00000000000000000000000000000000000000bb');
const reason = (text: string) => encodeErrorResult({ abi: parseAbi(['error Error(string)']), errorName: 'Error', args: [text] });

const ok: Simulation = {
  route: 1,
  pair: PAIR,
  feeBps: 30,
  attempts: [3],
  buyErrors: ['0x'],
  quote: WETH,
  amountIn: 1000n,
  buyOk: true,
  buyExpected: 1_000_000n,
  buyReceived: 950_000n,
  buyGas: 90_000n,
  buyError: '0x',
  transferOk: true,
  transferSent: 95_000n,
  transferReceived: 95_000n,
  transferError: '0x',
  sellOk: true,
  soldAll: true,
  sellAmount: 855_000n,
  sellExpected: 1_000n,
  sellReceived: 500n,
  sellGas: 60_000n,
  sellError: '0x',
};

describe('tradingFromSimulation', () => {
  it('turns received-vs-expected into taxes', () => {
    expect(tradingFromSimulation(ok)).toMatchObject({ method: 'v2-pair', pool: PAIR, buyTax: 0.05, transferTax: 0, sellTax: 0.5, isHoneypot: false, cannotSellAll: false, cannotBuy: false });
  });

  it('names a V3 route and its pool', () => {
    expect(tradingFromSimulation({ ...ok, route: 3 })).toMatchObject({ method: 'v3-pool', pool: PAIR, buyTax: 0.05, sellTax: 0.5 });
  });

  it('calls a failed sell a honeypot, with the token’s reason', () => {
    expect(tradingFromSimulation({ ...ok, sellOk: false, soldAll: false, sellError: reason('sell disabled') })).toMatchObject({
      isHoneypot: true,
      cannotSellAll: true,
      sellTax: null,
      honeypotReason: 'sell failed: sell disabled',
    });
  });

  it('calls a confiscatory sell tax a honeypot, and a partial sell "cannot sell all"', () => {
    expect(tradingFromSimulation({ ...ok, sellReceived: 50n })).toMatchObject({ isHoneypot: true, honeypotReason: 'sell tax 95.0%' });
    expect(tradingFromSimulation({ ...ok, soldAll: false })).toMatchObject({ isHoneypot: false, cannotSellAll: true });
  });

  it('reports a failed buy as cannotBuy and leaves sell figures unknown', () => {
    expect(tradingFromSimulation({ ...ok, buyOk: false, buyReceived: 0n, buyError: reason('paused') })).toMatchObject({
      cannotBuy: true,
      isHoneypot: null,
      sellTax: null,
      honeypotReason: 'buy failed: paused',
    });
  });

  it('names the DEX traded through and the deeper pools whose buy reverted, with their reasons', () => {
    const DEEP = getAddress('0x00000000000000000000000000000000000000cc');
    const STABLE = getAddress('0x00000000000000000000000000000000000000dd');
    const pools = [
      { pair: DEEP, dexName: 'unlisted-v2' },
      { pair: STABLE, dexName: 'uniswap-v2' },
      { pair: PAIR, dexName: 'pancakeswap-v2' },
    ];
    const s = { ...ok, attempts: [2, 1, 3], buyErrors: [reason('ForkV2: K'), '0x' as const, '0x' as const] };
    expect(tradingFromSimulation(s, pools)).toMatchObject({ pool: PAIR, dex: 'pancakeswap-v2', skippedPools: [{ pool: DEEP, dex: 'unlisted-v2', reason: 'ForkV2: K' }] });
    // Every buy reverted: the first pool is the answer (cannot buy), not listed as skipped too.
    const none = { ...ok, pair: DEEP, buyOk: false, buyReceived: 0n, buyError: reason('ForkV2: K'), attempts: [2, 1, 2], buyErrors: [reason('ForkV2: K'), '0x' as const, '0x' as const] };
    expect(tradingFromSimulation(none, pools)).toMatchObject({ pool: DEEP, dex: 'unlisted-v2', cannotBuy: true, skippedPools: [{ pool: PAIR, dex: 'pancakeswap-v2', reason: 'reverted without a reason' }] });
  });

  it('is all unknown without a route', () => {
    expect(tradingFromSimulation({ ...ok, route: 0, pair: zeroAddress, quote: zeroAddress })).toMatchObject({ method: null, buyTax: null, isHoneypot: null });
  });
});

describe('revertReason', () => {
  it('decodes Error(string) and Panic, shows custom errors by selector', () => {
    expect(revertReason(reason('max tx'))).toBe('max tx');
    expect(revertReason(encodeErrorResult({ abi: parseAbi(['error Panic(uint256)']), errorName: 'Panic', args: [0x11n] }))).toBe('panic 0x11');
    expect(revertReason('0x12345678')).toBe('custom error 0x12345678');
    expect(revertReason('0x')).toBeNull();
  });
});

describe('tradeLimits', () => {
  const probed: ProbeLimits = {
    ok: true,
    buySearchedUpTo: 500n,
    maxBuy: 5n,
    walletSearchedUpTo: 45n,
    maxWallet: 12n,
    repeatBuyBlocked: false,
    sellSearchedUpTo: 12n,
    maxSell: 3n,
    trials: 56n,
    budgetSpent: false,
  };

  it('states each limit found, or null with how far it was searched when the top went through', () => {
    expect(tradeLimits(probed, PAIR)).toEqual({
      method: 'bisection',
      pool: PAIR,
      maxBuy: { limit: '5', searchedUpTo: '500' },
      maxSell: { limit: '3', searchedUpTo: '12' },
      maxWallet: { limit: '12', searchedUpTo: '45' },
      repeatBuyBlocked: false,
      trials: 56,
    });
    // Eight buys all went through: no wallet cap up to what was held.
    expect(tradeLimits({ ...probed, maxWallet: 0n, walletSearchedUpTo: 40n }, PAIR)?.maxWallet).toEqual({ limit: null, searchedUpTo: '40' });
    // Unlimited buys: no wallet measure; the sale of the whole balance went through.
    expect(tradeLimits({ ...probed, maxBuy: 500n, walletSearchedUpTo: 0n, maxWallet: 0n, maxSell: 500n, sellSearchedUpTo: 500n }, PAIR)).toMatchObject({
      maxBuy: { limit: null },
      maxSell: { limit: null },
      maxWallet: null,
    });
  });

  it('no sale figure without a buy; nothing when the probe could not run', () => {
    expect(tradeLimits({ ...probed, maxBuy: 0n }, PAIR)?.maxSell).toBeNull();
    expect(tradeLimits({ ...probed, ok: false }, PAIR)).toBeNull();
    // Searches cut short by the gas budget: no figure rather than a bracket passing for a limit.
    expect(tradeLimits({ ...probed, budgetSpent: true }, PAIR)).toBeNull();
  });

  it('no buy at all while the fresh simulation bought through the same pool: the probe misread the pool, no figure', () => {
    const blocked = { ...probed, maxBuy: 0n, walletSearchedUpTo: 0n, maxWallet: 0n, sellSearchedUpTo: 0n, maxSell: 0n };
    expect(tradeLimits(blocked, PAIR, true)).toBeNull();
    // Without a fresh buy through it, "no buy of any size" is what the pool says.
    expect(tradeLimits(blocked, PAIR, false)?.maxBuy).toEqual({ limit: '0', searchedUpTo: '500' });
    // A cap found (not zero) stands either way.
    expect(tradeLimits(probed, PAIR, true)?.maxBuy.limit).toBe('5');
    expect(tradeLimits(null, PAIR)).toBeNull();
    expect(tradeLimits(probed, null)).toBeNull();
  });
});

describe('freshBuyThrough', () => {
  it('true only when the fresh simulation received tokens from that very pool', () => {
    expect(freshBuyThrough(ok, PAIR)).toBe(true);
    expect(freshBuyThrough(ok, WETH)).toBe(false);
    expect(freshBuyThrough({ ...ok, buyOk: false }, PAIR)).toBe(false);
    expect(freshBuyThrough({ ...ok, buyReceived: 0n }, PAIR)).toBe(false);
    expect(freshBuyThrough(null, PAIR)).toBe(false);
    expect(freshBuyThrough(ok, undefined)).toBe(false);
  });
});
