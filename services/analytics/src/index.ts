export { createAnalyticsApp, MIGRATIONS_DIR, type AnalyticsApp, type AnalyticsAppOptions } from './app';
export { loadEnv, type AnalyticsEnv } from './env';
