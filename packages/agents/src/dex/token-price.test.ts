import { DEX_DEPLOYMENTS, ratio } from '@oca/chain';
import type { Address } from 'viem';
import type { MarketSnapshot, PricedPool } from './market-snapshot';
import { tokenPrice } from './token-price';

const d = DEX_DEPLOYMENTS.devnet;
const TOKEN = '0x00000000000000000000000000000000000000Aa' as Address;
const pool = (address: string, quote: Address, quoteRaw: bigint, price: PricedPool['state']['price'], quoteUsd: PricedPool['quoteUsd']): PricedPool => ({
  ref: { address: address as Address, version: 'v2', dex: 'uniswap-v2', feeTier: null, base: TOKEN, quote, baseIsToken0: true },
  state: { baseRaw: 1n, quoteRaw, sqrtPriceX96: null, price },
  decimals: { base: 18, quote: 18 },
  quoteUsd,
  quoteSymbol: null,
});
const snapshot = (pools: PricedPool[]) => ({ pools }) as unknown as MarketSnapshot;

describe('tokenPrice', () => {
  it('prices through the deepest pool with a price, by quote-side USD', () => {
    const shallow = pool('0x01', d.usdStables[0]!.address, 10n ** 18n, ratio(2n, 1n), ratio(1n, 1n));
    const deep = pool('0x02', d.usdStables[0]!.address, 10n ** 21n, ratio(3n, 1n), ratio(1n, 1n));
    const empty = pool('0x03', d.usdStables[0]!.address, 10n ** 24n, null, ratio(1n, 1n));
    const { pool: chosen, usd } = tokenPrice(snapshot([shallow, empty, deep]), d);
    expect(chosen?.ref.address).toBe('0x02');
    expect(usd).toEqual(ratio(3n, 1n));
  });

  it('takes a wrapped-native pool without a USD anchor, with no USD price; none without pools', () => {
    const native = pool('0x04', d.wrappedNative.address, 10n ** 18n, ratio(1n, 10n), null);
    expect(tokenPrice(snapshot([native]), d)).toMatchObject({ pool: { ref: { address: '0x04' } }, usd: null });
    const other = pool('0x05', '0x00000000000000000000000000000000000000bB', 10n ** 18n, ratio(1n, 10n), null);
    expect(tokenPrice(snapshot([other]), d)).toEqual({ pool: null, usd: null });
    expect(tokenPrice(snapshot([]), d)).toEqual({ pool: null, usd: null });
  });
});
