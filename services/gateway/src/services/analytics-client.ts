import type { Broker } from '@oca/amqp';
import { ANALYTICS_RPC, ROUTING_KEYS } from '@oca/contracts';
import { ServiceRpcClient } from './service-rpc';

/**
 * Usage reports from the analytics service over RabbitMQ RPC. The gateway never reads schema
 * `analytics`: the service that writes the rollups owns their shape (and may move them).
 */
export class AnalyticsClient extends ServiceRpcClient<typeof ANALYTICS_RPC> {
  constructor(broker: Pick<Broker, 'rpc'>, timeoutMs: number) {
    super(ANALYTICS_RPC, { broker, routingKey: ROUTING_KEYS.analyticsRpc, serviceName: 'analytics service', timeoutMs });
  }
}
