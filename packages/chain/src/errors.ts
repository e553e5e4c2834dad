/** Thrown when an agent asks for a network that has no RPC URL configured. Not retryable. */
export class NetworkNotConfiguredError extends Error {
  readonly code = 'network_not_configured' as const;
  readonly retryable = false;

  constructor(readonly network: string) {
    super(`Network "${network}" has no RPC URL configured`);
    this.name = 'NetworkNotConfiguredError';
  }
}
