import type { Broker } from '@oca/amqp';
import { AUTH_RPC, ROUTING_KEYS } from '@oca/contracts';
import { ServiceRpcClient } from './service-rpc';

/** Calls the auth service over RabbitMQ RPC and turns its error codes into API errors. */
export class AuthClient extends ServiceRpcClient<typeof AUTH_RPC> {
  constructor(broker: Pick<Broker, 'rpc'>, timeoutMs: number) {
    super(AUTH_RPC, { broker, routingKey: ROUTING_KEYS.authRpc, serviceName: 'authentication service', timeoutMs });
  }
}
