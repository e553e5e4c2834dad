import type { DevnetDriver, MinedTx, TxRequest } from './devnet-driver';

/** Something that happens at a simulated time: queue transactions, then look at what was mined. */
export interface TimelineEvent {
  at: bigint;
  /** Queues this event's transactions; may read the chain first (pool addresses). */
  run(): Promise<void> | void;
  /** Called with the block's transactions once it is mined. */
  after?(mined: MinedTx[]): Promise<void> | void;
  /** Transactions of this event that are expected to revert (a honeypot sell). */
  mayRevert?: (tx: TxRequest) => boolean;
}

/**
 * Plays events in time order; events at the same second share one block. Blocks are mined with
 * exactly the scheduled timestamp, so the scenario's 1 h / 6 h / 24 h windows are deterministic.
 */
export async function playTimeline(
  driver: DevnetDriver,
  events: readonly TimelineEvent[],
  onBlock: (mined: MinedTx[]) => void,
): Promise<void> {
  const ordered = [...events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  let i = 0;
  while (i < ordered.length) {
    const at = ordered[i]!.at;
    const group: TimelineEvent[] = [];
    while (i < ordered.length && ordered[i]!.at === at) group.push(ordered[i++]!);
    for (const event of group) await event.run();
    const mined = await driver.mine(at, { allowRevert: (tx) => group.some((e) => e.mayRevert?.(tx) ?? false) });
    onBlock(mined);
    for (const event of group) await event.after?.(mined);
  }
}

/** A small seeded PRNG (mulberry32), so the scenario is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` times spread evenly over [from, to) with jitter, on a 12-second block grid, sorted. */
export function spreadTimes(random: () => number, count: number, from: bigint, to: bigint): bigint[] {
  const span = Number(to - from);
  const slot = span / count;
  const times: bigint[] = [];
  for (let k = 0; k < count; k++) {
    const offset = Math.floor(k * slot + random() * slot * 0.8);
    times.push(from + BigInt(offset - (offset % 12)));
  }
  return times.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
