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
  TokenCounterparty,
} from '@oca/contracts';
