import type { MomentumComponents } from './trend-contract';

/**
 * The momentum score, as published in every trend result. Each component saturates in [0, 1), so
 * no single figure (one whale's volume, a thousand bot swaps) can carry the score alone, and
 * rates are normalised by age so a 2-hour-old pool competes fairly with a 20-hour-old one.
 */
export const MOMENTUM_FORMULA =
  'momentum = 100 × (0.30·turnover + 0.25·traders + 0.20·activity + 0.15·buyPressure + 0.10·priceTrend), ' +
  'turnover = d/(d+1) with d = volume / liquidity × 24 / max(ageHours, 1), both in the pool\'s quote token (daily volume per unit of liquidity); ' +
  'traders = n/(n+10) with n = unique swap recipients; activity = r/(r+5) with r = swaps / max(ageHours, 1); ' +
  'buyPressure = buys / (buys + sells), 0.5 without swaps; priceTrend = clamp(priceChange %, 0, 200) / 200. ' +
  'A new pool counts since its launch (ageHours its age); an older pool traded in the window counts over the window (ageHours the window\'s length, priceChange since its start).';

export const MOMENTUM_WEIGHTS = { turnover: 0.3, traders: 0.25, activity: 0.2, buyPressure: 0.15, priceTrend: 0.1 } as const;

export interface MomentumInput {
  /** Volume and liquidity in one unit (the pool's quote token): turnover is their ratio. */
  volume: number;
  liquidity: number;
  ageHours: number;
  uniqueTraders: number;
  swaps: number;
  buys: number;
  sells: number;
  /** Percent since launch; null when unknown (counts as 0). */
  priceChange: number | null;
}

const saturate = (x: number, half: number) => (x <= 0 ? 0 : x / (x + half));

export function momentum(input: MomentumInput): { score: number; components: MomentumComponents } {
  const hours = Math.max(input.ageHours, 1);
  const dailyTurnover = input.liquidity > 0 ? (input.volume / input.liquidity) * (24 / hours) : 0;
  const components: MomentumComponents = {
    turnover: saturate(dailyTurnover, 1),
    traders: saturate(input.uniqueTraders, 10),
    activity: saturate(input.swaps / hours, 5),
    buyPressure: input.buys + input.sells === 0 ? 0.5 : input.buys / (input.buys + input.sells),
    priceTrend: Math.min(Math.max(input.priceChange ?? 0, 0), 200) / 200,
  };
  const weighted = (Object.keys(MOMENTUM_WEIGHTS) as (keyof typeof MOMENTUM_WEIGHTS)[]).reduce(
    (sum, key) => sum + MOMENTUM_WEIGHTS[key] * components[key],
    0,
  );
  return { score: Math.round(weighted * 100 * 100) / 100, components };
}
