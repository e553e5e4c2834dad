import type { RpcRequest, RpcResponse } from '@oca/contracts';
import { newEnvelope, type Envelope } from './envelope';
import { RpcHandlerError } from './errors';
import type { ConsumeContext, HandlerResult } from './options';

export type RpcHandle = (method: string, params: unknown, ctx: ConsumeContext) => Promise<unknown>;

/**
 * Runs the server's handler and shapes its answer. Only RpcHandlerError reaches the caller as is;
 * anything else is logged here and answered as `internal` so no internal message leaks.
 */
export async function answerRpc(
  handle: RpcHandle,
  method: string,
  params: unknown,
  ctx: ConsumeContext,
): Promise<RpcResponse['payload']> {
  try {
    return { ok: true, result: await handle(method, params, ctx) };
  } catch (err) {
    if (err instanceof RpcHandlerError) {
      return { ok: false, error: { code: err.code, message: err.message, details: err.details } };
    }
    ctx.log.error({ err, method }, 'rpc handler failed');
    return { ok: false, error: { code: 'internal', message: 'internal error' } };
  }
}

/** Sends `response` to the caller's reply-to queue, carrying the request's AMQP correlation-id. */
export type RpcReply = (replyTo: string, correlationId: string, response: Envelope) => Promise<void>;

/**
 * The consumer handler behind Broker.rpcServer: answers each request through `reply`. A request
 * nobody can answer (no reply-to or correlation-id) is dead-lettered.
 */
export function rpcRequestHandler(handle: RpcHandle, reply: RpcReply) {
  return async (request: RpcRequest, ctx: ConsumeContext): Promise<HandlerResult> => {
    if (!ctx.replyTo || !ctx.correlationId) {
      return { action: 'dead-letter', reason: 'rpc request without reply-to or correlation-id' };
    }
    const answer = await answerRpc(handle, request.payload.method, request.payload.params, ctx);
    const response = newEnvelope('rpc.response', answer, { jobId: request.jobId, correlationId: request.correlationId });
    await reply(ctx.replyTo, ctx.correlationId, response);
    return { action: 'ack' };
  };
}
