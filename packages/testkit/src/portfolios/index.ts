// Scenario for the portfolio agent: a wallet with priced, unpriced and honeypot tokens, a V2 LP and a V3 position, and swaps for cost basis.
export { deployPortfolioScenario, PORTFOLIO_V3_FEE, type PortfolioScenario } from './portfolio-scenario';
