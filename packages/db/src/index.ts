export * from './pool';
export * from './migrate';
export * from './ssl';
export * from './keyset-page';
export type { Pool, PoolClient } from 'pg';
export * from './turn-batch';
