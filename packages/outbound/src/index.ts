export {
  blockedRange,
  checkOutboundUrl,
  isMetadataAddress,
  OutboundUrlRejectedError,
  type OutboundLookup,
  type OutboundRule,
  type OutboundUrlOptions,
  type ResolvedAddress,
} from './outbound-url';
export { pinnedLookup } from './pinned-lookup';
