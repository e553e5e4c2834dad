/** Codes of failures that retrying cannot fix; a subset of `JobErrorCode` in @oca/contracts. */
export type PermanentAgentErrorCode = 'invalid_params' | 'agent_error' | 'rpc_unsupported';

/**
 * A failure an agent discovers at run time that no retry can fix: params that passed the schema
 * but are unusable (a mixed-case address with a bad checksum), or a target the agent cannot
 * analyse. The executor fails the job at once with `code`.
 */
export class PermanentAgentError extends Error {
  readonly retryable = false;

  constructor(
    readonly code: PermanentAgentErrorCode,
    message: string,
    /** The params field at fault, for `invalid_params`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PermanentAgentError';
  }
}

export function isPermanentAgentError(err: unknown): err is PermanentAgentError {
  return err instanceof PermanentAgentError;
}
