export { ChainClients, type ChainClient, type ChainConfig } from './chain-clients';
export { NetworkNotConfiguredError } from './errors';
export { RpcCallCounter } from './rpc-call-counter';
export { parseRpcUrls, rpcUrlVariable } from './rpc-urls';
export { CHAINS, hasMulticall3 } from './networks';
export { isExecutionError, isLogRangeError, isStateOverrideUnsupported, isTransientRpcError, logRangeLimitOf, retryAfterMsOf } from './rpc-errors';
export { isHistoryUnavailable } from './rpc-errors';
export { findCreationBlock, type CreationBlock, type CreationSearchOptions } from './creation-block';
export { beaconAbi, erc1155Abi, erc165Abi, erc20Abi, erc721Abi, INTERFACE_IDS } from './abis';
export { EIP1967_SLOTS, slotToAddress, type Eip1967Slot } from './eip1967';
export { decodeTokenText } from './token-text';
export * from './dex';
export { decodeInstructions, metadataLength, minimalProxyImplementation, OPCODES, scanBytecode, type BytecodeScan, type Instruction } from './bytecode';
export {
  getLogsPaged,
  LogBlockTooLargeError,
  LogBudgetExceededError,
  pageLogs,
  type FetchLogRange,
  type LogPagerOptions,
  type LogScan,
  type PagedLogs,
  type PagedLogsOptions,
} from './log-pager';
export { ADDRESS_LABELS, DEVNET_EXCHANGE_WALLET, DEVNET_MIXER, LABEL_SOURCES, labelOf, type AddressLabel, type LabelKind } from './labels';
export {
  creationOf,
  ExplorerApiError,
  ExplorerApiHistory,
  firstFunders,
  HistoryUnavailableError,
  isMethodUnsupported,
  nativeTransferOf,
  PickedHistory,
  TraceFilterHistory,
  type AddressActivity,
  type AddressHistory,
  type AddressHistoryQuery,
  type ContractCreation,
  type ExplorerApiConfig,
  type ExplorerApiHistoryOptions,
  type FirstFunders,
  type NativeTransfer,
  type NativeTransfers,
  type OutgoingActivity,
  type OutgoingQuery,
  type RpcTrace,
  type TraceFilterHistoryOptions,
} from './address-history';
export { parseExplorerApis, explorerApiVariables } from './explorer-apis';
