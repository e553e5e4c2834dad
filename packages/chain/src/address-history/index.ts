export { firstFunders, HistoryUnavailableError, type AddressHistory, type AddressHistoryQuery, type FirstFunders, type NativeTransfer, type NativeTransfers } from './address-history';
export { isMethodUnsupported, nativeTransferOf, TraceFilterHistory, type RpcTrace, type TraceFilterHistoryOptions } from './trace-filter-history';
