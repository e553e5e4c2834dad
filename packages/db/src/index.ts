export * from './pool';
export * from './migrate';
export * from './ssl';
export type { Pool, PoolClient } from 'pg';
