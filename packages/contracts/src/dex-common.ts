import { z } from 'zod';
import { Address } from './common';

// Shapes the DEX agents (market, trend) report alike.

/**
 * How a listed USD stablecoin was priced. Each is checked against the network's other listed
 * stablecoins (a direct pool between the two, or both priced in the wrapped native token): its
 * measured price is the median of $1.00 and its price in each of them, so one stablecoin off its
 * peg cannot drag the others. `pegged`: within `DEPEG_THRESHOLD` of $1 (taken at $1.00);
 * `depegged`: further, priced at the measured value; `disputed`: one reference only and the two
 * disagree (which one is off cannot be told; taken at $1.00); `unverified`: no reference (taken
 * at $1.00).
 */
export const StablecoinPeg = z.object({
  address: Address,
  symbol: z.string(),
  status: z.enum(['pegged', 'depegged', 'disputed', 'unverified']),
  /** The USD price every figure quoted in this stablecoin uses, decimal string. */
  priceUsd: z.string(),
  /** The measured price (see above); null without a reference. */
  measuredUsd: z.number().nullable(),
  /** Its price in each other stablecoin, and through which pools. */
  references: z.array(z.object({ against: Address, symbol: z.string(), price: z.number(), pools: z.array(Address) })),
});
export type StablecoinPeg = z.infer<typeof StablecoinPeg>;

/**
 * Which blocks a log scan covered. A scan that would spend more than its request budget (a long
 * window on a fast chain behind a provider's span cap) reads the newest blocks only and says so
 * here rather than failing the job.
 */
export const LogCoverage = z.object({
  /** First and last block whose logs were all read. */
  fromBlock: z.string(),
  toBlock: z.string(),
  /** Unix seconds of `fromBlock`. */
  fromTimestamp: z.number().int(),
  /** True when the whole window asked for was read. */
  complete: z.boolean(),
  /** eth_getLogs requests made, refused ones included. */
  requests: z.number().int(),
});
export type LogCoverage = z.infer<typeof LogCoverage>;
