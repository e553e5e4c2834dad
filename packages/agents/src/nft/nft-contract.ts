// The nft agent's schemas live in @oca/contracts (agent-nft.ts), the one source of truth.
export { NftData, NftParams, NftResult, NftSale, WashFilter } from '@oca/contracts';
