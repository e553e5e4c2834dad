// The trend agent's schemas live in @oca/contracts (agent-trend.ts), the one source of truth.
export { MomentumComponents, TrendData, TrendExclusionReason, TrendParams, TrendPool, TrendResult } from '@oca/contracts';
