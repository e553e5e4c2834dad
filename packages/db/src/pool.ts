import { Pool, type PoolConfig } from 'pg';
import { pgSslConfig, type DatabaseSslOptions } from './ssl';

export interface PoolOptions {
  connectionString: string;
  /** @default 10 */
  max?: number;
  /** Shows in pg_stat_activity so operators can tell services apart */
  applicationName: string;
  /** Schema searched first; each service works in its own */
  searchPath?: string;
  /** TLS to the server. @default { mode: 'disable' } */
  ssl?: DatabaseSslOptions;
}

/** The process's one pool. Errors on idle clients are reported, not thrown (they would crash the process). */
export function createPool(options: PoolOptions, onError?: (err: Error) => void): Pool {
  const config: PoolConfig = {
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName,
    ssl: pgSslConfig(options.ssl),
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath},public` } : {}),
  };
  const pool = new Pool(config);
  pool.on('error', (err) => onError?.(err));
  return pool;
}

export async function pingPool(pool: Pool): Promise<boolean> {
  await pool.query('SELECT 1');
  return true;
}
