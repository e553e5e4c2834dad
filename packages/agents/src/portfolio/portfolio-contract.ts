// The portfolio agent's schemas live in @oca/contracts (agent-portfolio.ts), the one source of truth.
export { CostBasis, HoldingRisk, NftHolding, PortfolioData, PortfolioHolding, PortfolioParams, PortfolioResult, UnderlyingAmount } from '@oca/contracts';
