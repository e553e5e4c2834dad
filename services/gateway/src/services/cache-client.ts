import type { Broker } from '@oca/amqp';
import { CACHE_RPC, ROUTING_KEYS } from '@oca/contracts';
import { ServiceRpcClient } from './service-rpc';

/** Commands to the cache service (invalidate, stats) over RabbitMQ RPC. */
export class CacheClient extends ServiceRpcClient<typeof CACHE_RPC> {
  constructor(broker: Pick<Broker, 'rpc'>, timeoutMs: number) {
    super(CACHE_RPC, { broker, routingKey: ROUTING_KEYS.cacheRpc, serviceName: 'cache service', timeoutMs });
  }
}
