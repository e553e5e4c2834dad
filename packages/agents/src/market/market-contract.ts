// The market agent's schemas live in @oca/contracts (agent-market.ts), the one source of truth.
export { MarketData, MarketParams, MarketPool, MarketQuoteToken, MarketResult, MarketWindow, PriceChangeWindows, TxnCounts, TxnWindows, VolumeWindows } from '@oca/contracts';
