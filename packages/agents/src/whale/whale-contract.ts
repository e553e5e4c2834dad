// The whale agent's schemas live in @oca/contracts (agent-whale.ts), the one source of truth.
export { CohortFlow, FunderCluster, HolderKind, WhaleData, WhaleHolder, WhaleMove, WhaleParams, WhaleResult, WhaleTransfer } from '@oca/contracts';
