export {
  firstFunders,
  HistoryUnavailableError,
  type AddressActivity,
  type AddressHistory,
  type AddressHistoryQuery,
  type ContractCreation,
  type FirstFunders,
  type NativeTransfer,
  type NativeTransfers,
  type OutgoingActivity,
  type OutgoingQuery,
} from './address-history';
export { creationOf, isMethodUnsupported, nativeTransferOf, TraceFilterHistory, type RpcTrace, type TraceFilterHistoryOptions } from './trace-filter-history';
export { ExplorerApiError, ExplorerApiHistory, type ExplorerApiConfig, type ExplorerApiHistoryOptions } from './explorer-api-history';
export { PickedHistory } from './picked-history';
