import { DEX_TOPICS, v3Price, type Ratio } from '@oca/chain';
import { decodeSwap, reservesPrice, type PoolDecimals, type PoolLog, type PoolRef, type SwapFill } from '../dex';

/** What a new pool's logs say about it since it opened. */
export interface PoolActivity {
  fills: SwapFill[];
  /** The first price it traded at: V2's or Solidly's first Sync (the first mint; a stable pool on its curve), V3's Initialize. */
  launchPrice: Ratio | null;
  buys: number;
  sells: number;
  /** Distinct swap recipients. Routers that unwrap ETH receive sells themselves, so this undercounts sellers. */
  uniqueTraders: number;
  quoteVolumeRaw: bigint;
}

/** Folds one pool's logs (in chain order) into its activity. */
export function poolActivity(logs: readonly PoolLog[], pool: PoolRef, decimals: PoolDecimals): PoolActivity {
  const fills: SwapFill[] = [];
  let launchPrice: Ratio | null = null;
  for (const log of logs) {
    const topic = log.topics[0];
    if (launchPrice === null && (topic === DEX_TOPICS.v2Sync || topic === DEX_TOPICS.solidlySync)) {
      const { reserve0, reserve1 } = log.args as unknown as { reserve0: bigint; reserve1: bigint };
      const [base, quote] = pool.baseIsToken0 ? [reserve0, reserve1] : [reserve1, reserve0];
      launchPrice = reservesPrice(pool, base, quote, decimals);
    } else if (launchPrice === null && topic === DEX_TOPICS.v3Initialize) {
      const { sqrtPriceX96 } = log.args as unknown as { sqrtPriceX96: bigint };
      launchPrice = v3Price(sqrtPriceX96, pool.baseIsToken0, decimals.base, decimals.quote);
    }
    const fill = decodeSwap(log, pool);
    if (fill) fills.push(fill);
  }
  const buys = fills.filter((f) => f.side === 'buy').length;
  return {
    fills,
    launchPrice,
    buys,
    sells: fills.length - buys,
    uniqueTraders: new Set(fills.map((f) => f.recipient.toLowerCase())).size,
    quoteVolumeRaw: fills.reduce((sum, f) => sum + f.quoteRaw, 0n),
  };
}
