export * from './pool';
export * from './migrate';
export type { Pool, PoolClient } from 'pg';
export * from './test-database';
