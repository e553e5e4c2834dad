import type { RpcResponse } from '@oca/contracts';
import { RpcHandlerError } from './errors';
import type { ConsumeContext } from './options';

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
