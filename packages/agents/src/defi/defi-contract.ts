// The defi agent's schemas live in @oca/contracts (agent-defi.ts), the one source of truth.
export { DefiAdmin, DefiData, DefiDexPool, DefiKind, DefiLending, DefiParams, DefiReserve, DefiResult, DefiTvl, DefiTvlAsset, DefiVault } from '@oca/contracts';
