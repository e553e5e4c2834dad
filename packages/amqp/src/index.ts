export { Broker } from './broker';
export { DEAD_LETTER_SCAN_LIMIT, type DeadLetterAction, type SettleResult } from './dead-letters';
export { EventPublisher, type EventDropReason, type EventPublisherOptions } from './event-publisher';
export { newEnvelope, type Envelope, type EnvelopeIds } from './envelope';
export {
  MessageValidationError,
  PermanentError,
  RpcHandlerError,
  RpcRemoteError,
  RpcTimeoutError,
  TransientError,
} from './errors';
export type {
  BrokerOptions,
  CloseOptions,
  ConsumeContext,
  ConsumeOptions,
  Consumer,
  HandlerResult,
  PublishOptions,
  RpcOptions,
} from './options';
export { DEFAULT_RETRY_DELAYS_MS, MAX_QUEUE_PRIORITY, retryQueueName } from './topology';
