// The forensics agent's schemas live in @oca/contracts (agent-forensics.ts), the one source of truth.
export {
  DeployedContract,
  DepositAddress,
  FlaggedInteraction,
  ForensicsData,
  ForensicsParams,
  ForensicsResult,
  FundingHop,
  NativeCounterparty,
  NftCounterparty,
  TokenCounterparty,
} from '@oca/contracts';
