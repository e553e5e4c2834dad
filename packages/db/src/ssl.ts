import type { ConnectionOptions } from 'node:tls';

/** Transport security to PostgreSQL (DATABASE_SSL / DATABASE_SSL_CA). */
export interface DatabaseSslOptions {
  /**
   * `disable`: plain TCP. `require`: encrypted, the server's certificate is not checked (stops
   * eavesdropping, not a man in the middle). `verify-full`: encrypted, the certificate must chain
   * to `ca` (or a system CA) and name the host. @default 'disable'
   */
  mode: 'disable' | 'require' | 'verify-full';
  /** CA bundle (PEM) that signed the server's certificate; used by verify-full */
  ca?: string;
}

/**
 * The `ssl` option of pg for `options`. Always explicit (never undefined), so libpq-style
 * PGSSLMODE in the environment cannot silently decide instead of the service's config.
 */
export function pgSslConfig(options?: DatabaseSslOptions): false | ConnectionOptions {
  switch (options?.mode ?? 'disable') {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full':
      // Node checks the chain (rejectUnauthorized) and the host name (checkServerIdentity) by default.
      return { rejectUnauthorized: true, ...(options?.ca ? { ca: options.ca } : {}) };
  }
}
